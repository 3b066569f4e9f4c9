#!/usr/bin/env python3
"""Trains eventwire's toponym ranking (data/geo/scorer.tsv): a conditional logit over each gold
name's candidates, on the even-numbered articles of the geoparsing gold sets.

    for s in TR-News GeoVirus lgl; do
        EVENTWIRE_GEO_FEATURES=/tmp/geo-features.tsv \
            eventwire eval geo ../shared/corpora/geoparsing-gold/$s.xml
    done
    python3 scripts/train_geo_scorer.py /tmp/geo-features.tsv

The input rows are `set TAB article TAB span TAB label TAB features...` (crates/eval/src/geo.rs:
the resolver ranks repeated mentions of a name once, so each name of an article appears once;
label 1 = the candidate is the gold entity, or within 161 km of a gold point given without one;
2 = another entity within 161 km of the gold one), the features in the order of FEATURES in
crates/resolve/src/geo.rs. A name's right candidates are those labelled 1, or, when the gazetteer
lacks the gold entity, those labelled 2 (the evaluation counts them right). The model maximises the
log-probability that the chosen candidate is a right one (softmax over the name's candidates,
L2-regularised) with full-batch Adam. Odd-numbered articles are held out: the script prints the
share of names whose top candidate is right, on the training and on the held-out articles, per
set. Standard library only; the output is deterministic.

The features depend on the committed weights in one place: each outlet's home province
(`outlet_admin1`) is learned from the places our own geoparse resolves in its articles. After adding
a feature, run the dump and the training twice (the weights of the second round were committed).
"""
import collections, math, pathlib, re, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FEATURES = re.search(r"pub const FEATURES: \[&str; \d+\] = \[(.*?)\];",
                     (ROOT / "crates/resolve/src/geo.rs").read_text(), re.S).group(1)
FEATURES = re.findall(r'"([a-z0-9_]+)"', FEATURES)
L2 = 0.01
STEPS = 400
RATE = 0.05

groups = collections.defaultdict(list)  # (set, article, span) -> [(label, features)]
for path in sys.argv[1:] or ["/tmp/geo-features.tsv"]:
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        f = line.rstrip("\n").split("\t")
        if len(f) != 4 + len(FEATURES):
            sys.exit(f"{path}:{n}: expected {4 + len(FEATURES)} fields, found {len(f)}")
        groups[(f[0], int(f[1]), int(f[2]))].append((int(f[3]), [float(x) for x in f[4:]]))
for key, g in groups.items():
    right = 1 if any(l == 1 for l, _ in g) else 2
    groups[key] = [(int(l == right), x) for l, x in g]

train = [g for k, g in groups.items() if k[1] % 2 == 0 and any(l for l, _ in g) and len(g) > 1]
dim = len(FEATURES)
rows = [x for g in train for _, x in g]
mean = [sum(r[i] for r in rows) / len(rows) for i in range(dim)]
std = [math.sqrt(sum((r[i] - mean[i]) ** 2 for r in rows) / len(rows)) or 1.0 for i in range(dim)]
data = [[(l, [(x[i] - mean[i]) / std[i] for i in range(dim)]) for l, x in g] for g in train]


def loss_and_grad(w):
    loss = L2 * sum(v * v for v in w)
    grad = [2 * L2 * v for v in w]
    for g in data:
        scores = [sum(a * b for a, b in zip(w, x)) for _, x in g]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        z = sum(exp)
        zp = sum(e for e, (l, _) in zip(exp, g) if l)
        loss -= math.log(zp / z)
        for e, (l, x) in zip(exp, g):
            # d/dw of -log(zp/z) = E_all[x] - E_pos[x]
            c = e / z - (e / zp if l else 0.0)
            for i in range(dim):
                grad[i] += c * x[i]
    return loss / len(data), [v / len(data) for v in grad]


w = [0.0] * dim
m = [0.0] * dim
v = [0.0] * dim
for step in range(1, STEPS + 1):
    loss, grad = loss_and_grad(w)
    for i in range(dim):
        m[i] = 0.9 * m[i] + 0.1 * grad[i]
        v[i] = 0.999 * v[i] + 0.001 * grad[i] ** 2
        w[i] -= RATE * (m[i] / (1 - 0.9 ** step)) / (math.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8)
    if step % 100 == 0:
        print(f"step {step}: loss {loss:.4f}")
weights = [w[i] / std[i] for i in range(dim)]


def accuracy(held_out):
    right = collections.Counter()
    total = collections.Counter()
    for (s, article, _), g in groups.items():
        if article % 2 != held_out:
            continue
        best = max(g, key=lambda c: sum(a * b for a, b in zip(weights, c[1])))
        total[s] += 1
        right[s] += best[0]
    return {s: f"{right[s] / total[s]:.3f} of {total[s]}" for s in sorted(total)}


print("names whose top candidate is right (names with a candidate), train:", accuracy(0))
print("                                                      held-out:", accuracy(1))
out = ROOT / "data" / "geo" / "scorer.tsv"
with open(out, "w", encoding="utf-8") as fh:
    fh.write("# eventwire toponym ranking: feature TAB weight (score = sum of weight x feature).\n")
    fh.write("# Written by scripts/train_geo_scorer.py from the even-numbered articles of the LGL,\n")
    fh.write("# TR-News and GeoVirus gold; features are described in crates/resolve/src/geo.rs.\n")
    for name, x in zip(FEATURES, weights):
        fh.write(f"{name}\t{x:.4f}\n")
print(f"wrote {out}")
