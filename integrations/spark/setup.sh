#!/usr/bin/env bash
# Creates the Python environment for the Spark integration: a venv with pinned pyspark (its
# jars run on the machine's Java 17), pyarrow, pandas<3 and pytest. Idempotent: a venv whose
# marker names the same pins is left as it is.
#
#   bash integrations/spark/setup.sh            # venv in target/spark-venv
#   EVENTWIRE_SPARK_VENV=/tmp/v bash integrations/spark/setup.sh
#
# Prints the venv's python path on its last line.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${EVENTWIRE_SPARK_VENV:-$repo/target/spark-venv}"
pins=(pyspark==4.3.0 pyarrow==26.0.1 pandas==2.3.3 pytest==9.2.0)
marker="$venv/.eventwire-pins"

if ! command -v java >/dev/null; then
    echo "setup.sh: Spark needs Java 17 (apt-get install -y openjdk-17-jre-headless)" >&2
    exit 1
fi
if [[ -x "$venv/bin/python" && -f "$marker" && "$(cat "$marker")" == "${pins[*]}" ]]; then
    echo "setup.sh: $venv is up to date (${pins[*]})" >&2
else
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
    echo "${pins[*]}" > "$marker"
fi
echo "$venv/bin/python"
