// eventwire dashboard: map, dyads, timeline, table, event detail and the "code this text" box.
// Plain JS, no libraries; every view reads the filters from the URL, so a view can be shared.
"use strict";

const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const QUAD_OF = t => TYPES.indexOf(t) < 4 ? 1 : TYPES.indexOf(t) < 7 ? 2 : TYPES.indexOf(t) < 11 ? 3 : 4;
const QUAD_COLOR = { 1: "#2c7fb8", 2: "#41ab5d", 3: "#f39c12", 4: "#d7301f" };
const QUAD_NAME = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
// Each type gets a shade of its quad class's colour.
const TYPE_COLOR = Object.fromEntries(TYPES.map(t => {
  const q = QUAD_OF(t), members = TYPES.filter(u => QUAD_OF(u) === q), i = members.indexOf(t);
  return [t, shade(QUAD_COLOR[q], (i - (members.length - 1) / 2) * 0.22)];
}));
const FILTER_KEYS = ["from", "to", "event", "quad", "actor", "recipient", "country", "q", "bbox", "article"];
const PAGE = 25;

const $ = sel => document.querySelector(sel);
const state = { offset: 0, world: null, view: [-180, -84, 360, 142], timeline: null };

function shade(hex, amount) {
  const n = parseInt(hex.slice(1), 16);
  const ch = [n >> 16, (n >> 8) & 255, n & 255].map(c =>
    Math.round(amount >= 0 ? c + (255 - c) * amount : c * (1 + amount)));
  return "#" + ch.map(c => c.toString(16).padStart(2, "0")).join("");
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function filters() {
  const p = new URLSearchParams(location.search), f = {};
  for (const k of FILTER_KEYS) if (p.get(k)) f[k] = p.get(k);
  return f;
}

function setFilters(f, push = true) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) p.set(k, f[k]);
  const url = location.pathname + (p.toString() ? "?" + p : "");
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  state.offset = 0;
  refresh();
}

function patchFilters(changes) { setFilters({ ...filters(), ...changes }); }

async function api(path, params = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, v);
  const res = await fetch(path + (p.toString() ? "?" + p : ""));
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function status(msg, error = false) {
  const el = $("#status");
  el.textContent = msg;
  el.className = error ? "error" : "";
}

// ---------- filters form ----------

function fillForm() {
  const f = filters(), form = $("#filters");
  for (const k of FILTER_KEYS) if (form.elements[k]) form.elements[k].value = f[k] || "";
}

function initForm() {
  const sel = $("#filters").elements.event;
  for (const t of TYPES) sel.add(new Option(t, t));
  $("#filters").addEventListener("submit", e => {
    e.preventDefault();
    const f = {};
    for (const k of FILTER_KEYS) {
      const v = e.target.elements[k].value.trim();
      if (v) f[k] = v;
    }
    setFilters(f);
  });
  $("#clear").addEventListener("click", () => setFilters({}));
  for (const name of ["event", "quad"]) $("#filters").elements[name].addEventListener("change", () => $("#filters").requestSubmit());
  window.addEventListener("popstate", () => { state.offset = 0; refresh(); });
}

// ---------- map ----------

const SVG = "http://www.w3.org/2000/svg";
function svgEl(name, attrs) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

async function initMap() {
  const svg = $("#map-svg");
  state.world = await (await fetch("/world-110m.json")).json();
  const countries = svgEl("g", { id: "countries" });
  for (const c of state.world.countries) {
    const path = svgEl("path", { d: c.d, class: "country", "data-a3": c.a3, fill: "#f4f1ea" });
    const title = svgEl("title", {});
    title.textContent = c.name;
    path.appendChild(title);
    countries.appendChild(path);
  }
  svg.appendChild(countries);
  svg.appendChild(svgEl("g", { id: "points" }));
  setView(state.view);
  // Pan by dragging, zoom with the wheel; a click without a drag selects a country.
  let drag = null;
  svg.addEventListener("mousedown", e => { drag = { x: e.clientX, y: e.clientY, view: [...state.view], moved: false }; svg.style.cursor = "grabbing"; });
  window.addEventListener("mousemove", e => {
    if (!drag) return;
    const k = state.view[2] / svg.clientWidth, dx = (e.clientX - drag.x) * k, dy = (e.clientY - drag.y) * k;
    if (Math.abs(dx) + Math.abs(dy) > 2 * k) drag.moved = true;
    setView([drag.view[0] - dx, drag.view[1] - dy, drag.view[2], drag.view[3]]);
  });
  window.addEventListener("mouseup", () => { svg.style.cursor = ""; setTimeout(() => { drag = null; }, 0); });
  svg.addEventListener("click", e => {
    if (drag && drag.moved) return;
    const t = e.target;
    if (t.classList.contains("place")) {
      const [lon, lat] = [+t.dataset.lon, +t.dataset.lat], d = 0.05;
      patchFilters({ bbox: [lon - d, lat - d, lon + d, lat + d].map(x => x.toFixed(3)).join(",") });
      $("#table-panel").scrollIntoView({ behavior: "smooth" });
    } else if (t.classList.contains("country")) {
      const a3 = t.dataset.a3;
      patchFilters({ country: filters().country === a3 ? "" : a3 });
    }
  });
  svg.addEventListener("wheel", e => {
    e.preventDefault();
    const r = svg.getBoundingClientRect(), [x, y, w, h] = state.view;
    const f = e.deltaY > 0 ? 1.25 : 0.8, nw = Math.min(360, Math.max(4, w * f)), nh = nw * h / w;
    const px = x + (e.clientX - r.left) / r.width * w, py = y + (e.clientY - r.top) / r.height * h;
    setView([px - (px - x) * nw / w, py - (py - y) * nh / h, nw, nh]);
  }, { passive: false });
  $("#quad-legend").innerHTML = [1, 2, 3, 4].map(q => `<span><i style="background:${QUAD_COLOR[q]}"></i>${QUAD_NAME[q]}</span>`).join("")
    + `<span class="scale">events per country: <i style="background:#f4f1ea"></i><i style="background:#c6d6e6"></i><i style="background:#7a9cc0"></i><i style="background:#3b5f8a"></i></span>`;
}

function setView(v) {
  const svg = $("#map-svg"), aspect = svg.clientHeight / Math.max(1, svg.clientWidth);
  v[3] = v[2] * aspect;
  state.view = v;
  svg.setAttribute("viewBox", v.join(" "));
  const k = v[2] / Math.max(1, svg.clientWidth);
  for (const c of document.querySelectorAll("#points circle")) c.setAttribute("r", c.dataset.px * k);
}

// Zooms to the places shown (at least 40 degrees wide), keeping the map's aspect.
function fitView(rows) {
  const lons = rows.map(r => r.lon), lats = rows.map(r => -r.lat);
  const x0 = Math.min(...lons), x1 = Math.max(...lons), y0 = Math.min(...lats), y1 = Math.max(...lats);
  const svg = $("#map-svg"), aspect = svg.clientHeight / Math.max(1, svg.clientWidth);
  const w = Math.min(360, Math.max(40, (x1 - x0) * 1.3, (y1 - y0) * 1.3 / aspect));
  setView([(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - w * aspect / 2, w, 0]);
}

function choroplethColor(n, max) {
  if (!n) return "#f4f1ea";
  const t = Math.log1p(n) / Math.log1p(max);
  const a = [198, 214, 230], b = [42, 75, 120];
  return `rgb(${a.map((c, i) => Math.round(c + (b[i] - c) * t)).join(",")})`;
}

function renderMap(countries, places) {
  const counts = Object.fromEntries(countries.rows.map(r => [r.country, r.count]));
  const max = Math.max(1, ...countries.rows.map(r => r.count));
  const selected = filters().country;
  for (const p of document.querySelectorAll("#countries path")) {
    const n = counts[p.dataset.a3] || 0;
    p.setAttribute("fill", choroplethColor(n, max));
    p.classList.toggle("selected", p.dataset.a3 === selected);
    p.querySelector("title").textContent = `${p.querySelector("title").textContent.split(" — ")[0]} — ${n} event${n === 1 ? "" : "s"}`;
  }
  const g = $("#points");
  g.replaceChildren();
  const pmax = Math.max(1, ...places.rows.map(r => r.count));
  const k = state.view[2] / Math.max(1, $("#map-svg").clientWidth);
  for (const r of places.rows) {
    const quad = [1, 2, 3, 4].reduce((a, q) => (r.quads[q - 1] > r.quads[a - 1] ? q : a), 1);
    const px = 3 + 9 * Math.sqrt(r.count / pmax);
    const c = svgEl("circle", { cx: r.lon, cy: -r.lat, r: px * k, fill: QUAD_COLOR[quad], class: "place",
      "data-px": px, "data-lon": r.lon, "data-lat": r.lat, "data-place": r.place });
    const t = svgEl("title", {});
    t.textContent = `${r.place} (${r.country}) — ${r.count} event${r.count === 1 ? "" : "s"}; ` + r.quads.map((n, i) => `Q${i + 1}: ${n}`).join(", ");
    c.appendChild(t);
    g.appendChild(c);
  }
  if (Object.keys(filters()).length && places.rows.length) fitView(places.rows);
  else setView([-180, -84, 360, 142]);
  $("#map-note").textContent = `${places.rows.length} place${places.rows.length === 1 ? "" : "s"}; click a point or a country to filter`;
}

// ---------- timeline ----------

function addDays(iso, n) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function periodEnd(start, by) {
  if (by === "day") return start;
  if (by === "week") return addDays(start, 6);
  const d = new Date(start + "T00:00:00Z");
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

// Every period from the first to the last seen, so that empty ones keep their place on the axis.
function allPeriods(seen, by) {
  const sorted = [...new Set(seen)].sort();
  if (!sorted.length) return [];
  const out = [], last = sorted[sorted.length - 1];
  for (let p = sorted[0]; p <= last && out.length < 5000; p = addDays(periodEnd(p, by), 1)) out.push(p);
  return out;
}

function renderTimeline(res) {
  const svg = $("#timeline");
  svg.replaceChildren();
  const W = svg.clientWidth || 800, H = svg.clientHeight || 170, left = 34, bottom = 20, top = 6;
  // The axis spans the periods holding 99 % of the events: a few events dated decades away
  // (historical references) would otherwise squeeze the rest into a sliver.
  const perPeriod = new Map();
  for (const r of res.rows) perPeriod.set(r.period, (perPeriod.get(r.period) || 0) + r.count);
  const seen = [...perPeriod.keys()].sort(), all = res.rows.reduce((a, r) => a + r.count, 0);
  let acc = 0, lo = null, hi = null;
  for (const p of seen) {
    acc += perPeriod.get(p);
    if (lo === null && acc > all * 0.005) lo = p;
    if (hi === null && acc >= all * 0.995) hi = p;
  }
  const periods = allPeriods(seen.filter(p => p >= lo && p <= hi), res.by);
  const hidden = all - periods.reduce((a, p) => a + (perPeriod.get(p) || 0), 0);
  const byPeriod = new Map(periods.map(p => [p, {}]));
  for (const r of res.rows) if (byPeriod.has(r.period)) byPeriod.get(r.period)[r.key] = r.count;
  const totals = periods.map(p => Object.values(byPeriod.get(p)).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const bw = Math.min(48, (W - left - 4) / Math.max(1, periods.length));
  const y = v => H - bottom - (H - bottom - top) * v / max;
  const axis = svgEl("g", { class: "axis" });
  for (const v of [0, Math.round(max / 2), max]) {
    axis.appendChild(svgEl("line", { x1: left, x2: W, y1: y(v), y2: y(v) }));
    const t = svgEl("text", { x: left - 4, y: y(v) + 3, "text-anchor": "end" });
    t.textContent = v;
    axis.appendChild(t);
  }
  const every = Math.max(1, Math.ceil(72 / bw));
  periods.forEach((p, i) => {
    if (i % every) return;
    const t = svgEl("text", { x: left + i * bw + bw / 2, y: H - 5, "text-anchor": "middle" });
    t.textContent = res.by === "month" ? p.slice(0, 7) : p;
    axis.appendChild(t);
  });
  svg.appendChild(axis);
  periods.forEach((p, i) => {
    let acc = 0;
    for (const t of TYPES) {
      const n = byPeriod.get(p)[t];
      if (!n) continue;
      const rect = svgEl("rect", { x: left + i * bw + bw * 0.1, width: Math.max(1, bw * 0.8), y: y(acc + n), height: y(acc) - y(acc + n), fill: TYPE_COLOR[t] });
      const title = svgEl("title", {});
      title.textContent = `${p}: ${t} ${n}`;
      rect.appendChild(title);
      svg.appendChild(rect);
      acc += n;
    }
  });
  state.timeline = { periods, by: res.by, left, bw };
  $("#timeline-note").textContent = `events per ${res.by} by type — drag to select dates`
    + (hidden ? ` (${hidden} event${hidden === 1 ? "" : "s"} dated outside the axis)` : "");
  const present = new Set(res.rows.map(r => r.key));
  $("#type-legend").innerHTML = TYPES.filter(t => present.has(t)).map(t => `<span><i style="background:${TYPE_COLOR[t]}"></i>${t}</span>`).join("");
}

function initBrush() {
  const svg = $("#timeline");
  let start = null, rect = null;
  const xOf = e => e.clientX - svg.getBoundingClientRect().left;
  svg.addEventListener("mousedown", e => {
    start = xOf(e);
    rect = svgEl("rect", { class: "brush", x: start, y: 0, width: 0, height: svg.clientHeight });
    svg.appendChild(rect);
  });
  window.addEventListener("mousemove", e => {
    if (start === null) return;
    const x = Math.max(0, Math.min(svg.clientWidth, xOf(e)));
    rect.setAttribute("x", Math.min(start, x));
    rect.setAttribute("width", Math.abs(x - start));
  });
  window.addEventListener("mouseup", e => {
    if (start === null) return;
    const tl = state.timeline, x = xOf(e), a = Math.min(start, x), b = Math.max(start, x);
    start = null;
    if (!tl || !tl.periods.length) return;
    const idx = v => Math.max(0, Math.min(tl.periods.length - 1, Math.floor((v - tl.left) / tl.bw)));
    const i = idx(a), j = idx(b);
    patchFilters({ from: tl.periods[i], to: periodEnd(tl.periods[j], tl.by) });
  });
}

// ---------- dyads ----------

function renderDyads(res) {
  const el = $("#dyads");
  if (!res.rows.length) { el.innerHTML = "<p class='mode'>No actor–recipient pairs for these filters.</p>"; return; }
  const sum = key => { const m = new Map(); for (const r of res.rows) m.set(r[key], (m.get(r[key]) || 0) + r.count); return [...m].sort((a, b) => b[1] - a[1]).slice(0, 12).map(x => x[0]); };
  const actors = sum("actor"), recips = sum("recipient");
  const cell = new Map(res.rows.map(r => [r.actor + ">" + r.recipient, r]));
  const max = Math.max(...res.rows.map(r => r.count));
  let html = "<table class='matrix'><thead><tr><th></th>" + recips.map(r => `<th>${esc(r)}</th>`).join("") + "</tr></thead><tbody>";
  for (const a of actors) {
    html += `<tr><th>${esc(a)}</th>`;
    for (const r of recips) {
      const c = cell.get(a + ">" + r);
      if (!c) { html += "<td class='empty'></td>"; continue; }
      // Hue from the mean PLOVER scale (red conflict, blue cooperation), strength from the count.
      const t = 0.35 + 0.65 * Math.sqrt(c.count / max), s = c.mean_scale;
      const base = s < 0 ? [215, 48, 31] : [44, 127, 184];
      const col = base.map(v => Math.round(255 - (255 - v) * t * Math.min(1, 0.4 + Math.abs(s) / 10)));
      html += `<td style="background:rgb(${col})" data-actor="${esc(a)}" data-recipient="${esc(r)}" title="${esc(a)} → ${esc(r)}: ${c.count} event(s), mean scale ${c.mean_scale.toFixed(1)}">${c.count}</td>`;
    }
    html += "</tr>";
  }
  el.innerHTML = html + "</tbody></table><p class='legend'>rows: actor, columns: recipient; red = conflict, blue = cooperation (mean PLOVER scale); click a cell to filter</p>";
}

function initDyads() {
  $("#dyads").addEventListener("click", e => {
    const td = e.target.closest("td[data-actor]");
    if (td) patchFilters({ actor: td.dataset.actor, recipient: td.dataset.recipient });
  });
}

// ---------- table ----------

const who = list => (list || []).map(e => [e.code, e.sector].filter(Boolean).join(" ") || e.entity_text).join(", ");
const place = e => e.event_loc ? `${e.event_loc.resolved_place}${e.event_loc.country_code ? " (" + e.event_loc.country_code + ")" : ""}` : "";

function renderTable(res) {
  const tbody = $("#events tbody");
  tbody.innerHTML = res.events.map(e => `<tr data-id="${esc(e.id)}">
    <td>${esc(e.date)}</td>
    <td><span class="chip q${e.quad_code}">${esc(e.event[0])}</span> <span class="mode">${esc(e.mode.join(" "))}</span></td>
    <td title="${esc((e.actor || []).map(a => a.entity_text).join(", "))}">${esc(who(e.actor))}</td>
    <td title="${esc((e.recipient || []).map(a => a.entity_text).join(", "))}">${esc(who(e.recipient))}</td>
    <td>${esc(place(e))}</td>
    <td title="${esc(e.text)}">${esc(e.text)}</td></tr>`).join("")
    || "<tr><td colspan='6' class='mode'>No events match these filters.</td></tr>";
  const from = res.total ? res.offset + 1 : 0, to = res.offset + res.events.length;
  $("#page").textContent = `${from}–${to} of ${res.total}`;
  $("#table-note").textContent = `${res.total} event${res.total === 1 ? "" : "s"}`;
  $("#prev").disabled = res.offset === 0;
  $("#next").disabled = to >= res.total;
  const q = new URLSearchParams(filters());
  for (const fmt of ["csv", "jsonl", "parquet"]) { q.set("format", fmt); q.set("limit", "100000"); $("#dl-" + fmt).href = "/api/events?" + q; }
}

function initTable() {
  $("#events tbody").addEventListener("click", e => {
    const tr = e.target.closest("tr[data-id]");
    if (tr) openDetail(tr.dataset.id);
  });
  $("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadTable(); });
  $("#next").addEventListener("click", () => { state.offset += PAGE; loadTable(); });
}

async function loadTable() {
  try { renderTable(await api("/api/events", { ...filters(), limit: PAGE, offset: state.offset })); }
  catch (err) { status(err.message, true); }
}

// ---------- evidence highlighting ----------

function evidenceClass(field) {
  if (field === "event") return "ev-event";
  if (field.startsWith("actor")) return "ev-actor";
  if (field.startsWith("recipient")) return "ev-recipient";
  if (field === "date") return "ev-date";
  if (field === "event_loc") return "ev-place";
  if (field.startsWith("size")) return "ev-size";
  return "ev-other";
}

// The article (title + "\n" + text, as code points) from `from` to `to`, with every evidence span
// marked (the innermost wins where spans nest) and the event's sentence shaded.
function highlighted(full, evidence, sentence, from = 0, to = null) {
  const cps = Array.from(full);
  to = to ?? cps.length;
  const spans = Object.entries(evidence || {}).map(([field, [s, e]]) => ({ field, s, e })).filter(x => x.e > x.s);
  const cuts = new Set([from, to]);
  for (const x of spans) { cuts.add(x.s); cuts.add(x.e); }
  if (sentence) { cuts.add(sentence[0]); cuts.add(sentence[1]); }
  const points = [...cuts].filter(c => c >= from && c <= to).sort((a, b) => a - b);
  let html = "";
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    let text = esc(cps.slice(a, b).join(""));
    const cover = spans.filter(x => x.s <= a && x.e >= b).sort((x, y) => (x.e - x.s) - (y.e - y.s));
    if (cover.length) {
      const names = cover.map(x => x.field).join(", ");
      text = `<mark class="${evidenceClass(cover[0].field)}" data-field="${esc(cover[0].field)}" title="${esc(names)}">${text}</mark>`;
    }
    if (sentence && a >= sentence[0] && b <= sentence[1]) text = `<span class="sentence">${text}</span>`;
    html += text;
  }
  return html;
}

// Evidence spans relative to a sentence starting at `start`, cut to it.
function shiftSpans(evidence, start) {
  const out = {};
  for (const [k, [s, e]] of Object.entries(evidence || {})) if (e > start) out[k] = [Math.max(0, s - start), e - start];
  return out;
}

const KEYS = `<div class="keys"><mark class="ev-event">trigger</mark><mark class="ev-actor">actor</mark><mark class="ev-recipient">recipient</mark><mark class="ev-date">date</mark><mark class="ev-place">place</mark><mark class="ev-size">size</mark><mark class="ev-other">other</mark></div>`;

function fieldList(e) {
  const loc = e.event_loc;
  const size = e.size ? Object.entries(e.size).map(([k, v]) => `${k} ${v}${e.ew.size_qualifier && e.ew.size_qualifier[k] ? " (" + e.ew.size_qualifier[k] + ")" : ""}`).join(", ") : "";
  const attr = e.ew.attribution;
  const rows = [
    ["Event", `<span class="chip q${e.quad_code}">${esc(e.event[0])}</span> ${esc(e.mode.join(", "))} · CAMEO ${esc(e.ew.cameo)} · scale ${e.event_scale}`],
    ["Actor", esc((e.actor || []).map(a => `${a.entity_text} [${[a.code, a.sector].filter(Boolean).join(" ")}]`).join("; "))],
    ["Recipient", esc((e.recipient || []).map(a => `${a.entity_text} [${[a.code, a.sector].filter(Boolean).join(" ")}]`).join("; ")) || "—"],
    ["Date", `${esc(e.date)} (${esc(e.ew.date_precision)}, from ${esc(e.ew.date_source)}${e.ew.date_text ? ": “" + esc(e.ew.date_text) + "”" : ""})`],
    ["Place", loc ? `${esc(loc.resolved_place)}, ${esc(loc.country_code)} (${loc.lat.toFixed(2)}, ${loc.lon.toFixed(2)}; ${esc(e.ew.location_reason || "")})` : "—"],
    ["Size", esc(size) || "—"],
    ["Said by", attr && attr.speaker ? esc(`${attr.speaker.entity_text} (${attr.verb || ""})${attr.verified === false ? " — not verified" : ""}`) : "—"],
  ];
  return `<dl class="fields">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

async function openDetail(id) {
  let res;
  try { res = await api("/api/events/" + encodeURIComponent(id)); }
  catch (err) { status(err.message, true); return; }
  const { event: e, article: a, mentions } = res;
  // With the article body the whole story is shown; else the sentence, spans shifted into it.
  const text = a && a.text != null
    ? highlighted(a.title + "\n" + a.text, e.ew.evidence, [e.text_info.start, e.text_info.end])
    : highlighted(e.text, shiftSpans(e.ew.evidence, e.text_info.start), [0, Array.from(e.text).length]);
  const body = $("#detail-body");
  body.innerHTML = `<h3>${esc(e.event[0])}: ${esc(who(e.actor))} → ${esc(who(e.recipient) || "—")}</h3>
    <div class="mode">${esc(e.id)} · ${esc(e.cite_info.publication || "")} ${e.cite_info.url ? `· <a href="${esc(e.cite_info.url)}" rel="noreferrer">source</a>` : ""}</div>
    ${fieldList(e)}
    ${KEYS}
    ${a ? `<div class="mode">${esc(a.title)} · ${esc(a.published)} · ${a.num_sources} outlet${a.num_sources === 1 ? "" : "s"}</div>` : ""}
    <div class="article-text" id="detail-text">${text}</div>
    <h4>Mentions</h4>
    ${mentions.length ? `<ul class="mentions">${mentions.map(m => `<li><a href="#" data-id="${esc(m.id)}">${esc(m.date)} · ${esc(m.publication || m.article_id)}</a> — ${esc(m.text)}</li>`).join("")}</ul>`
      : "<p class='mode'>No other report of this event in the store.</p>"}
    ${(e.ew.also_in || []).length ? `<p class="mode">Repeated in this story at ${e.ew.also_in.map(s => s.join("–")).join(", ")}.</p>` : ""}`;
  $("#detail").hidden = false;
  const s = body.querySelector(".sentence");
  if (s) s.scrollIntoView({ block: "center" });
  body.querySelectorAll(".mentions a").forEach(l => l.addEventListener("click", ev => { ev.preventDefault(); openDetail(l.dataset.id); }));
}

// ---------- code this text ----------

async function codeText() {
  const raw = $("#code-text").value;
  const [title, ...rest] = raw.split("\n");
  const out = $("#code-result");
  out.innerHTML = "<p class='mode'>Coding…</p>";
  try {
    const res = await fetch("/api/code", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ title, text: rest.join("\n"), published: $("#code-published").value || undefined }) });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error);
    const full = body.article.title + "\n" + body.article.text;
    out.innerHTML = `<p class="mode">${body.events.length} event${body.events.length === 1 ? "" : "s"}</p>` + KEYS
      + body.events.map(e => `<div class="coded-event">${fieldList(e)}<div class="article-text">${highlighted(full, e.ew.evidence, [e.text_info.start, e.text_info.end], e.text_info.start, e.text_info.end)}</div></div>`).join("");
  } catch (err) {
    out.innerHTML = `<p class="error">${esc(err.message)}</p>`;
  }
}

// ---------- loading ----------

async function refresh() {
  fillForm();
  const f = filters();
  document.body.dataset.loaded = "false";
  status("Loading…");
  const t0 = performance.now();
  try {
    const [countries, places, counts, dyads] = await Promise.all([
      api("/api/aggregates/countries", f),
      api("/api/aggregates/places", { ...f, limit: 2000 }),
      api("/api/aggregates/counts", { ...f, by: "auto", group: "type" }),
      api("/api/aggregates/dyads", { ...f, limit: 400 }),
      loadTable(),
    ]);
    renderMap(countries, places);
    renderTimeline(counts);
    renderDyads(dyads);
    const active = Object.entries(f).map(([k, v]) => `${k}=${v}`).join(" · ");
    status(`Loaded in ${Math.round(performance.now() - t0)} ms${active ? " · filters: " + active : ""}`);
    document.body.dataset.loaded = "true";
  } catch (err) {
    status(err.message, true);
  }
}

async function main() {
  initForm();
  initTable();
  initDyads();
  initBrush();
  $("#detail-close").addEventListener("click", () => { $("#detail").hidden = true; });
  document.addEventListener("keydown", e => { if (e.key === "Escape") $("#detail").hidden = true; });
  $("#code-go").addEventListener("click", codeText);
  await initMap();
  await refresh();
}

main();
