// The dashboard in a real browser: starts `eventwire serve` on a free port over the store that
// run.sh built from the examples, drives Debian's Chromium headless with playwright-core, and
// checks the map, the table, the type filter, the evidence highlighting and the "code this text"
// box. Screenshots go to target/browser-screenshots/.
//
// Environment: EVENTWIRE_BIN (the binary), EVENTWIRE_DB (the store), SCREENSHOTS (folder),
// CHROMIUM (default /usr/bin/chromium).
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const bin = process.env.EVENTWIRE_BIN;
const db = process.env.EVENTWIRE_DB;
const shots = process.env.SCREENSHOTS;
if (!bin || !db || !shots) throw new Error("set EVENTWIRE_BIN, EVENTWIRE_DB and SCREENSHOTS (run.sh does)");
mkdirSync(shots, { recursive: true });

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

// Port 0: the server picks a free port and prints the address it serves.
function startServer() {
  const child = spawn(bin, ["serve", "--db", db, "--addr", "127.0.0.1:0"], { stdio: ["ignore", "inherit", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + err)), 30000);
    child.stderr.on("data", d => {
      err += d;
      const m = /serving (http:\/\/[^/\s]+)\//.exec(err);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1] }); }
    });
    child.on("exit", code => reject(new Error(`server exited (${code}): ${err}`)));
  });
}

const loaded = page => page.waitForSelector("body[data-loaded=true]", { timeout: 20000 });

// Chromium has been seen to crash at start-up (SIGSEGV before any page) on a loaded machine; a
// launch is tried three times before the test gives up. A crash after start-up still fails.
async function launchBrowser() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await chromium.launch({
        executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync"],
      });
    } catch (e) {
      if (attempt === 3) throw e;
      console.log(`chromium did not start (attempt ${attempt}): ${String(e).split("\n")[0]}`);
    }
  }
}

const { child, base } = await startServer();
const browser = await launchBrowser().catch(e => { child.kill(); throw e; });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [], offsite = [];
  page.on("pageerror", e => errors.push(String(e)));
  page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
  page.on("request", r => { if (!r.url().startsWith(base)) offsite.push(r.url()); });

  // 1. The dashboard: the Karabakh events on the map and in the table.
  await page.goto(base + "/");
  await loaded(page);
  const points = await page.$$eval("#points circle.place", cs => cs.map(c => ({ place: c.dataset.place, lon: +c.dataset.lon, lat: +c.dataset.lat })));
  check(points.some(p => p.lon > 44 && p.lon < 48.5 && p.lat > 38 && p.lat < 41.5), `a point in Karabakh on the map (${points.map(p => p.place).join(", ")})`);
  const azeFill = await page.$eval("#countries path[data-a3=AZE]", p => p.getAttribute("fill"));
  check(azeFill !== "#f4f1ea", `Azerbaijan coloured by its event count (${azeFill})`);
  await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });

  // 2. Click Azerbaijan on the map: the table lists its events.
  await page.evaluate(() => { document.body.dataset.loaded = "false"; });
  // (dispatched: the event points cover most of the small country's outline)
  await page.$eval("#countries path[data-a3=AZE]", p => p.dispatchEvent(new MouseEvent("click", { bubbles: true })));
  await loaded(page);
  check(page.url().includes("country=AZE"), `clicking Azerbaijan filters by it (${page.url()})`);
  const rows = await page.$$eval("#events tbody tr[data-id]", trs => trs.map(tr => tr.innerText));
  check(rows.some(r => r.includes("RETREAT") && r.includes("AZE")), "the ceasefire (RETREAT by AZE) in the table");
  check(rows.some(r => r.includes("ASSAULT") && r.includes("2023-09-19")), "the Tuesday artillery (ASSAULT, 2023-09-19) in the table");
  check(await page.$$eval("#timeline rect", rs => rs.length) > 0, "the timeline has bars");
  check(await page.$$eval("#dyads td[data-actor]", tds => tds.length) > 0, "the dyad matrix has cells");

  // 3. Filter by type: the URL carries it and the table only shows that type.
  await page.evaluate(() => { document.body.dataset.loaded = "false"; });
  await page.selectOption("#filters select[name=event]", "ASSAULT");
  await loaded(page);
  check(page.url().includes("event=ASSAULT"), `the filter is in the URL (${page.url()})`);
  const chips = await page.$$eval("#events tbody .chip", cs => cs.map(c => c.textContent));
  check(chips.length > 0 && chips.every(c => c === "ASSAULT"), `only ASSAULT rows after filtering (${chips.join(" ")})`);
  await page.screenshot({ path: `${shots}/filtered.png`, fullPage: true });
  const parquetHref = await page.$eval("#dl-parquet", a => a.href);
  const parquet = new Uint8Array(await (await page.request.get(parquetHref)).body());
  const magic = new TextDecoder().decode(parquet.slice(0, 4));
  check(parquetHref.includes("event=ASSAULT") && magic === "PAR1", `the Parquet download of the filtered events (${parquetHref}, ${parquet.length} bytes)`);

  // 4. A shared URL restores the view.
  await page.goto(base + "/?event=ASSAULT&country=AZE");
  await loaded(page);
  check(await page.$eval("#filters select[name=event]", s => s.value) === "ASSAULT", "the filter form follows the URL");

  // 5. An event's detail: the sentence with its evidence highlighted.
  await page.click("#events tbody tr[data-id]:has-text('2023-09-19')");
  await page.waitForSelector("#detail:not([hidden]) mark.ev-event");
  const marks = await page.$$eval("#detail mark", ms => ms.map(m => [m.className, m.textContent]));
  console.log("     evidence:", JSON.stringify(marks));
  check(marks.some(([c]) => c === "ev-event"), "the trigger is highlighted");
  check(marks.some(([c], i) => c === "ev-actor" && i >= 7), "the actor is highlighted");
  check(marks.some(([c, t]) => c === "ev-date" && /Tuesday/.test(t)), "the date phrase (Tuesday) is highlighted");
  const sentence = await page.$eval("#detail .article-text", el => el.textContent);
  check(/artillery/.test(sentence), "the detail shows the artillery sentence");
  await page.screenshot({ path: `${shots}/detail.png` });
  await page.click("#detail-close");

  // 6. The "code this text" box.
  await page.fill("#code-text", "Protesters clash with police in Tbilisi\nPolice in Tbilisi arrested 20 protesters on Monday after thousands rallied against the law.");
  await page.fill("#code-published", "2024-05-01");
  await page.click("#code-go");
  await page.waitForSelector("#code-result .coded-event", { timeout: 30000 });
  const coded = await page.$eval("#code-result", el => el.innerText);
  check(/ARREST|COERCE|PROTEST/.test(coded), "pasted text is coded");
  check(await page.$$eval("#code-result mark.ev-event", ms => ms.length) > 0, "its trigger words are highlighted");
  await page.$eval("#code-panel", el => el.scrollIntoView());
  await page.screenshot({ path: `${shots}/code.png`, fullPage: true });

  check(errors.length === 0, `no script errors (${errors.join("; ")})`);
  check(offsite.length === 0, `no request leaves the server (${offsite.join(", ")})`);
} finally {
  await browser.close();
  child.kill();
}
console.log(failures ? `${failures} check(s) failed` : "all checks passed");
process.exit(failures ? 1 : 0);
