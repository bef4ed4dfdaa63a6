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
PLAN=bench/table-notice/plan.toml
OUT=bench/out
rm -rf "$OUT"
mkdir -p "$OUT"
RUNS=${RUNS:-30}

echo "## machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo

echo "## cold single build: the table notice, a new process each run"
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

# Batches of distinct documents (bench/make_batch.py): no two documents are
# copies, so Typst's memoisation cannot reuse one document's layout for the
# next, as it could with 200 copies of one notice.
batch() {
  local kind=$1
  python3 bench/make_batch.py "$kind" 200 "$OUT/$kind"
  echo "### 200 distinct $kind documents in one call"
  hyperfine --warmup 1 --runs 5 -N --export-json "$OUT/$kind.json" \
    "$NOTICE build $OUT/$kind --force --no-system-fonts --quiet --jobs 1" \
    "$NOTICE build $OUT/$kind --force --no-system-fonts --quiet --jobs 2"
  local pages
  pages=$(python3 -c "
import glob, re
print(sum(len(re.findall(rb'/Type\s*/Page[^s]', open(f, 'rb').read())) for f in glob.glob('$OUT/$kind/*/plan.pdf')))")
  python3 -c "
import json
for r in json.load(open('$OUT/$kind.json'))['results']:
    m = r['median']
    print('%s: median %.2f s = %.1f documents/s, %.0f pages/s (%d pages)' % (r['command'].split('--jobs ')[1], m, 200 / m, $pages / m, $pages))"
  /usr/bin/time -v "$NOTICE" build "$OUT/$kind" --force --no-system-fonts --quiet --jobs 2 2>&1 | grep -E "Maximum resident"
  echo "rerun with nothing changed:"
  hyperfine --warmup 1 --runs 5 -N "$NOTICE build $OUT/$kind --no-system-fonts --quiet --jobs 2" | grep -E "Time"
  echo
}
batch table-notice
batch dense

echo "## Word files: the table notice as DOCX alone, and with the PDF and text"
# A DOCX reads notice's layout (the closing's page), so it costs a layout.
hyperfine --warmup 3 --runs "$RUNS" -N \
  "$NOTICE build $PLAN --force --no-system-fonts --format docx --out $OUT/docx" \
  "$NOTICE build $PLAN --force --no-system-fonts --format pdf,txt --out $OUT/docx" \
  "$NOTICE build $PLAN --force --no-system-fonts --format pdf,txt,docx --out $OUT/docx" | grep -E "Time|Benchmark"
echo "### 200 distinct dense notices as DOCX, --jobs 2"
hyperfine --warmup 1 --runs 5 -N \
  "$NOTICE build $OUT/dense --force --no-system-fonts --quiet --jobs 2 --format docx" | grep -E "Time"
echo

echo "## watch: from saving an edit to the new PDF on disk"
python3 bench/watch_latency.py "$NOTICE" bench/table-notice "$OUT/watch"
echo
echo "## serve: from saving an edit to the new page in the client, and memory over many saves"
python3 bench/serve_latency.py "$NOTICE" bench/table-notice "$OUT/serve" "${SERVE_EDITS:-600}"
