#!/usr/bin/env python3
"""Build data/ling/lemmas.tsv from the lemma table shipped in the
lemminflect wheel on PyPI (MIT licence, Copyright (C) 2019 Brad Jascob).

Usage:
    python3 scripts/build_ling.py                 # download the wheel with pip
    python3 scripts/build_ling.py --wheel FILE    # use a wheel you already have
    python3 scripts/build_ling.py --out PATH      # write somewhere else

Needs only the Python 3 standard library, plus `pip` and access to PyPI
when no --wheel is given.

Source format (lemminflect/resources/lemma_lu.csv.gz, one line per entry):
    form,category,lemma1[/lemma2/...]
where category is one of noun, verb, adj, adv, aux and the lemmas are
alternatives, the first one being lemminflect's preferred lemma (the one
its spaCy extension returns).

Output (one line per (form, lemma, POS), UTF-8, sorted by code point, no
duplicates, after one '#' header line):
    form<TAB>lemma<TAB>POS         POS in {VERB, NOUN, ADJ, AUX}

Selection rules (all deliberate, see the header of the generated file):
  * only the categories verb, noun, adj, aux (adv is dropped);
  * forms containing an upper-case letter are dropped: they are proper
    nouns ("Adams,noun,Adam/Adams", "Laos,noun,Laos/Lao") whose lowercased
    mapping would damage names;
  * forms containing whitespace are dropped (a tokenizer never yields them);
  * only the first (preferred) lemma is used, lowercased.  The later
    alternatives are mostly spelling variants, and using them would map
    real words away from themselves ("install" -> "instal",
    "feed" -> "fee", "overcome" -> "over-come");
  * a line is written only where form != lemma (the consumer keeps a word
    unchanged when it is not in the table);
  * a short list of overrides (DROP below) removes mappings that are
    wrong for news text, e.g. VERB "lay" -> "lie", which would break
    "agreed to lay down their weapons".
"""

import argparse
import gzip
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "lemminflect"
VERSION = "0.2.3"
MEMBER = "lemminflect/resources/lemma_lu.csv.gz"
LICENSE_MEMBER = "lemminflect-%s.dist-info/LICENSE" % VERSION

CATEGORIES = {"verb": "VERB", "noun": "NOUN", "adj": "ADJ", "aux": "AUX"}

# (form, POS) pairs whose preferred lemma is wrong for news text: the word
# is left out so that the consumer keeps it as it is.
DROP = {
    ("lay", "VERB"),    # preferred lemma "lie"; news uses "lay down arms", "lay siege"
    ("wound", "VERB"),  # preferred lemma "wind"; news uses "to wound" (injure)
}

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "data", "ling", "lemmas.tsv")


def download_wheel(dest_dir):
    """Fetch the wheel from PyPI with pip; return its path."""
    spec = "%s==%s" % (PACKAGE, VERSION)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps",
           "--only-binary=:all:", "-d", dest_dir, spec]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as exc:  # no pip / python at all
        proc = None
        err = str(exc)
    else:
        err = proc.stderr
    wheels = [f for f in os.listdir(dest_dir) if f.endswith(".whl")]
    if proc is None or proc.returncode != 0 or not wheels:
        sys.stderr.write(
            "build_ling.py: could not download the %s wheel.\n"
            "It needs `pip` and network access to PyPI (the Python package index) to run:\n"
            "    %s\n"
            "Without network, download lemminflect-%s-py3-none-any.whl elsewhere\n"
            "(e.g. `pip download --no-deps lemminflect==%s`) and run:\n"
            "    python3 scripts/build_ling.py --wheel PATH/TO/lemminflect-%s-py3-none-any.whl\n"
            "pip said:\n%s\n" % (spec, " ".join(cmd), VERSION, VERSION, VERSION,
                                 (err or "").strip()))
        sys.exit(2)
    return os.path.join(dest_dir, wheels[0])


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def read_wheel(path):
    """Return (csv text, licence text) from the wheel."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if MEMBER not in names:
            sys.exit("build_ling.py: %s not found in %s" % (MEMBER, path))
        raw = zf.read(MEMBER)
        licence = zf.read(LICENSE_MEMBER).decode("utf-8") if LICENSE_MEMBER in names else ""
    text = gzip.GzipFile(fileobj=io.BytesIO(raw)).read().decode("utf-8")
    return text, licence


def build(csv_text):
    """Return the sorted, deduplicated list of (form, lemma, POS)."""
    out = set()
    for lineno, line in enumerate(csv_text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(",")
        if len(parts) != 3:
            sys.exit("build_ling.py: unexpected line %d in %s: %r" % (lineno, MEMBER, line))
        form, category, lemmas = parts
        pos = CATEGORIES.get(category)
        if pos is None:
            continue
        if form != form.lower() or any(c.isspace() for c in form) or not form:
            continue
        lemma = lemmas.split("/")[0].strip().lower()
        if not lemma or lemma == form or any(c.isspace() for c in lemma):
            continue
        if (form, pos) in DROP:
            continue
        out.add((form, lemma, pos))
    return sorted(out)


def copyright_line(licence):
    for line in licence.splitlines():
        if line.strip().lower().startswith("copyright"):
            return line.strip()
    return "Copyright (C) 2019 Brad Jascob"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", help="use this lemminflect %s wheel instead of downloading" % VERSION)
    ap.add_argument("--out", default=DEFAULT_OUT, help="output file (default: data/ling/lemmas.tsv)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="build_ling-") as tmp:
        wheel = args.wheel or download_wheel(tmp)
        digest = sha256_of(wheel)
        csv_text, licence = read_wheel(wheel)

    rows = build(csv_text)
    header = (
        "# lemmas.tsv: form<TAB>lemma<TAB>POS (VERB|NOUN|ADJ|AUX), lowercase, form != lemma, "
        "sorted; from %s/resources/lemma_lu.csv.gz in the PyPI wheel %s==%s "
        "(%s, sha256 %s), MIT licence, %s (https://github.com/bjascob/LemmInflect; "
        "table derived from the NIH SPECIALIST Lexicon); generated by scripts/build_ling.py: "
        "preferred (first) lemma only, proper nouns and multi-word forms dropped, "
        "overrides dropped: %s; see NOTICE\n"
        % (PACKAGE, PACKAGE, VERSION, os.path.basename(wheel), digest,
           copyright_line(licence),
           ", ".join("%s/%s" % fp for fp in sorted(DROP)))
    )

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp_out = args.out + ".tmp"
    with open(tmp_out, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        for form, lemma, pos in rows:
            f.write("%s\t%s\t%s\n" % (form, lemma, pos))
    os.replace(tmp_out, args.out)

    counts = {}
    for _, _, pos in rows:
        counts[pos] = counts.get(pos, 0) + 1
    print("wrote %s: %d entries (%s), %d bytes" % (
        args.out, len(rows), ", ".join("%s %d" % kv for kv in sorted(counts.items())),
        os.path.getsize(args.out)))


if __name__ == "__main__":
    main()
