#!/usr/bin/env bash
# Times whole `notice` processes (see BENCHMARKS.md).
#
#   bench/run.sh            # all measurements
#
# Needs: hyperfine and GNU time (Debian: apt-get install hyperfine time),
# and for the side-by-side anchor the `typst` Python package
# (pip install typst), which compiles the Typst source and data that
# `notice build --format typ` exports, with the same fonts.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
NOTICE=$PWD/target/release/notice
PLAN=bench/four-page/plan.toml
OUT=bench/out
rm -rf "$OUT"
mkdir -p "$OUT"
RUNS=${RUNS:-30}

echo "## machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo

echo "## cold single build: the four-page notice, a new process each run"
hyperfine --warmup 3 --runs "$RUNS" -N --export-json "$OUT/single.json" \
  "$NOTICE build $PLAN --force --no-system-fonts --out $OUT/single" \
  "$NOTICE build $PLAN --force --out $OUT/single"
python3 -c "
import json
for r in json.load(open('$OUT/single.json'))['results']:
    print('median %.1f ms  (%s)' % (r['median'] * 1000, 'with system fonts' if 'no-system' not in r['command'] else 'embedded fonts only'))"
echo

echo "## the same layout with plain typst (typst Python package, same source and fonts)"
"$NOTICE" build "$PLAN" --force --no-system-fonts --format typ,pdf --out "$OUT/anchor" >/dev/null 2>&1
if python3 -c 'import typst' 2>/dev/null; then
  cat > "$OUT/anchor/compile.py" <<PY
import typst
typst.compile("$OUT/anchor/plan.typst/main.typ", output="$OUT/anchor/typst.pdf",
              font_paths=["fonts"], ignore_system_fonts=True,
              sys_inputs={"notice-json": "data.json"})
PY
  # The interpreter itself, not a pyenv shim script in front of it.
  PYTHON=$(python3 -c 'import sys; print(sys.executable)')
  hyperfine --warmup 3 --runs "$RUNS" -N --export-markdown "$OUT/anchor.md" \
    "$NOTICE build $PLAN --force --no-system-fonts --out $OUT/single" \
    "$PYTHON $OUT/anchor/compile.py"
  echo "python startup and typst import alone:"
  hyperfine --warmup 3 --runs "$RUNS" -N "$PYTHON -c 'import typst'" | grep -E "Time"
  echo "output sizes: notice $(stat -c %s "$OUT/anchor/plan.pdf") B, typst $(stat -c %s "$OUT/anchor/typst.pdf") B"
else
  echo "(skipped: pip install typst)"
fi
echo

echo "## peak memory of a single build"
/usr/bin/time -v "$NOTICE" build "$PLAN" --force --no-system-fonts --out "$OUT/single" 2>&1 | grep -E "Maximum resident"
echo "PDF size: $(stat -c %s "$OUT/single/plan.pdf") bytes"
echo

echo "## batch: 200 four-page notices in one call"
for i in $(seq -w 1 200); do
  d="$OUT/batch/n$i"
  mkdir -p "$d"
  cp bench/four-page/body.md bench/four-page/schedule.csv "$d/"
  sed "s/〔2020〕60号/〔2020〕$((10#$i))号/" bench/four-page/plan.toml > "$d/plan.toml"
done
hyperfine --warmup 1 --runs 5 -N --export-markdown "$OUT/batch.md" \
  "$NOTICE build $OUT/batch --force --no-system-fonts --quiet --jobs 1" \
  "$NOTICE build $OUT/batch --force --no-system-fonts --quiet --jobs 2"
/usr/bin/time -v "$NOTICE" build "$OUT/batch" --force --no-system-fonts --quiet --jobs 2 2>&1 | grep -E "Maximum resident|Elapsed"
echo "rerun with nothing changed:"
hyperfine --warmup 1 --runs 5 -N "$NOTICE build $OUT/batch --no-system-fonts --quiet --jobs 2" | grep -E "Time"
echo

echo "## watch: from saving an edit to the new PDF on disk"
python3 bench/watch_latency.py "$NOTICE" bench/four-page "$OUT/watch"
