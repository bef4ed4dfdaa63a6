#!/usr/bin/env bash
# Hostile and oversized inputs (the robustness review's attacks), each run
# once under GNU time: exit status, wall time and peak memory. The figures
# are in BENCHMARKS.md ("Hostile input").
#
#   bench/attacks.sh
#
# Needs GNU time (Debian: apt-get install time) and python3 (to write the
# inputs). Every input is made fresh in bench/out/attacks.
set -uo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
NOTICE=$PWD/target/release/notice
W=$PWD/bench/out/attacks
rm -rf "$W"
mkdir -p "$W"
cd "$W"

HEAD='title = "关于测试的通知"
signature = "某某县应急管理局"
date = 2024-05-20'

plan() { # plan DIR BODY-TOML-LINES
  mkdir -p "$1"
  printf '%s\n%s\n' "$HEAD" "$2" >"$1/plan.toml"
}

RUN=0
run() { # run NAME COMMAND...
  local name=$1 log
  shift
  log="$W/run-$((++RUN))"
  /usr/bin/time -f '%e %M' -o "$log.time" timeout 300 "$@" >/dev/null 2>"$log.err"
  local status=$? secs kb
  read -r secs kb < <(tail -1 "$log.time")
  printf '| %s | %s | %s s | %s MB | %s |\n' "$name" "$status" "$secs" "$((kb / 1024))" \
    "$(grep -m1 -E '^(error|warning|note)' "$log.err" | cut -c1-100)"
}

# Inputs.
python3 - <<'PY'
import struct, zlib, os

def png(path, w, h):
    # A valid header for a huge image; the data is one tiny compressed row.
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))

head = 'title = "关于测试的通知"\nsignature = "某某县应急管理局"\ndate = 2024-05-20\n'
os.makedirs("seal", exist_ok=True)
png("seal/seal.png", 60000, 60000)
open("seal/plan.toml", "w").write(head + 'body = "正文。"\nseal = "seal.png"\n')

def rows(n, path):
    with open(path, "w") as f:
        f.write("序号,单位,负责人,电话,日期\n")
        for i in range(n):
            f.write(f"{i + 1},某某县第{i % 97}单位,张{i % 31}明,0825-{5400000 + i},2024-05-{i % 28 + 1:02d}\n")

for n in (10_000, 30_000):
    d = f"csv{n}"
    os.makedirs(d, exist_ok=True)
    rows(n, f"{d}/t.csv")
    open(f"{d}/plan.toml", "w").write(head + f'body = "详见附件。"\n[[attachments]]\ntitle = "名单"\ncsv = "t.csv"\n')

def mixed(kb, d):
    os.makedirs(d, exist_ok=True)
    unit = "根据GB/T 9704-2012标准第7.3.5条，abc123与中文混排，"
    text = (unit * (kb * 1024 // len(unit.encode()) + 1))
    open(f"{d}/body.md", "w").write(text + "\n")
    open(f"{d}/plan.toml", "w").write(head + 'body_file = "body.md"\n')

mixed(300, "para300k")
mixed(1024, "para1m")
os.makedirs("body50m", exist_ok=True)
with open("body50m/body.md", "w") as f:
    para = "为切实做好安全生产工作，进一步落实各项防范措施，确保人民群众生命财产安全。" * 4 + "\n\n"
    while f.tell() < 50 << 20:
        f.write(para * 1000)
open("body50m/plan.toml", "w").write(head + 'body_file = "body.md"\n')
PY

plan doubling 'body = """{% set s = "字" %}{% for i in range(20) %}{% set s = s ~ s %}{% endfor %}{{ s }}"""'
plan repeat 'body = """{{ "字" * 10000000 }}"""'
plan indent 'body = """{{ "a\nb"|indent(2000000000) }}"""'
plan empty ''
: >empty/plan.toml

mkdir -p tree/a/b && plan tree/a/b/doc 'body = "正文。"' && ln -s .. tree/a/b/loop && ln -s . tree/self
mkdir -p zero && ln -s /dev/zero zero/notes.md && plan zero/doc 'body = "正文。"'
mkdir -p fifo && mkfifo fifo/plan.toml
mkdir -p bigmd && truncate -s 3G bigmd/notes.md && plan bigmd/doc 'body = "正文。"'

echo "| attack | exit | time | peak memory | first message |"
echo "|---|---|---|---|---|"
run "seal PNG 60000×60000 (build)" "$NOTICE" build --no-system-fonts seal/plan.toml
run "seal PNG 60000×60000 (check)" "$NOTICE" check --no-system-fonts seal/plan.toml
run "placeholder doubling ×20" "$NOTICE" build --no-system-fonts doubling/plan.toml
run "placeholder \"字\" * 10^7" "$NOTICE" build --no-system-fonts repeat/plan.toml
run "placeholder indent(2·10^9)" "$NOTICE" build --no-system-fonts indent/plan.toml
run "0-byte plan.toml" "$NOTICE" build --no-system-fonts empty/plan.toml
run "folder with symlink loops" "$NOTICE" build --no-system-fonts tree
run "notes.md linked to /dev/zero" "$NOTICE" build --no-system-fonts zero
run "FIFO named plan.toml" "$NOTICE" build --no-system-fonts fifo
run "3 GB notes.md beside a plan" "$NOTICE" build --no-system-fonts bigmd
run "CSV attachment, 10,000 rows" "$NOTICE" build --no-system-fonts csv10000/plan.toml
run "CSV attachment, 30,000 rows" "$NOTICE" build --no-system-fonts csv30000/plan.toml
run "mixed paragraph, 300 KB" "$NOTICE" build --no-system-fonts para300k/plan.toml
run "mixed paragraph, 1 MB" "$NOTICE" build --no-system-fonts para1m/plan.toml
run "body of 50 MB" "$NOTICE" build --no-system-fonts body50m/plan.toml
run "preview --ppi 100000" "$NOTICE" preview --no-system-fonts --ppi 100000 --out png csv10000/plan.toml
