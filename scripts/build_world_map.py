#!/usr/bin/env python3
"""Builds crates/serve/assets/world-110m.json, the dashboard's country outlines.

Source: world-atlas 2.0.2 `countries-110m.json` (Natural Earth 4.1.0 Admin-0 1:110m as TopoJSON,
ISC; Natural Earth is public domain), read in place from ../shared/geo/world-boundaries/.
The 1:110m scale is enough for a world view and keeps the embedded file small; world-atlas
(not visionscarto) because its licence text ships with it.

Output: {"source": ..., "countries": [{"a3", "name", "d"}]} where `d` is an SVG path in an
equirectangular plane (x = longitude, y = -latitude), coordinates rounded to 0.1 degree,
relative moves after the first point of each ring; rings crossing the antimeridian are drawn
on both sides. Antarctica is dropped. Alpha-3 codes come
from the ISO numeric ids via country-centroids-50m.tsv (same folder); the three features
without an id get the code the bundled GeoNames gazetteer uses for them.

Usage: python3 scripts/build_world_map.py [SHARED_DIR]   (default ../shared)
"""
import csv
import json
import os
import sys

NO_ID = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../shared")
    base = os.path.join(shared, "geo/world-boundaries")
    topo = json.load(open(os.path.join(base, "world-atlas-2.0.2/countries-110m.json")))
    with open(os.path.join(base, "country-centroids-50m.tsv")) as f:
        a3_of = {r["iso_numeric"].zfill(3): r["iso_a3"] for r in csv.DictReader(f, delimiter="\t")}
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring_points(ring):
        pts = []
        for i in ring:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if not pts else a[1:])
        return pts

    def unwrap(pts):
        """Rings crossing the antimeridian (Russia, Fiji) made continuous, plus a copy shifted
        by 360 degrees so that both sides of the map show their part."""
        out = [pts[0]]
        for lon, lat in pts[1:]:
            prev = out[-1][0]
            while lon - prev > 180:
                lon -= 360
            while lon - prev < -180:
                lon += 360
            out.append((lon, lat))
        lons = [p[0] for p in out]
        if max(lons) > 180.001:
            return [out, [(lon - 360, lat) for lon, lat in out]]
        if min(lons) < -180.001:
            return [out, [(lon + 360, lat) for lon, lat in out]]
        return [out]

    def ring_path(pts):
        q = [(round(lon * 10), round(-lat * 10)) for lon, lat in pts]
        out = [f"M{q[0][0] / 10:g} {q[0][1] / 10:g}l"]
        px, py = q[0]
        steps = []
        for x, y in q[1:]:
            if (x, y) != (px, py):
                steps.append(f"{(x - px) / 10:g} {(y - py) / 10:g}")
                px, py = x, y
        if len(steps) < 2:
            return ""
        return out[0] + " ".join(steps).replace(" -", "-") + "z"

    countries = []
    missing = []
    for g in topo["objects"]["countries"]["geometries"]:
        name = g["properties"]["name"]
        if name == "Antarctica":
            continue
        a3 = a3_of.get(g.get("id") or "", NO_ID.get(name))
        if not a3:
            missing.append(name)
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        d = "".join(ring_path(u) for poly in polys for r in poly for u in unwrap(ring_points(r)))
        countries.append({"a3": a3, "name": name, "d": d})
    if missing:
        sys.exit(f"no alpha-3 code for: {', '.join(missing)}")
    out = {
        "source": "Natural Earth 1:110m Admin-0 (public domain) via world-atlas 2.0.2 (ISC)",
        "countries": sorted(countries, key=lambda c: c["a3"]),
    }
    dest = os.path.join(os.path.dirname(__file__), "../crates/serve/assets/world-110m.json")
    with open(dest, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"{dest}: {len(countries)} countries, {os.path.getsize(dest)} bytes")


if __name__ == "__main__":
    main()
