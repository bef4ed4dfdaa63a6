#!/usr/bin/env bash
# Hostile input, round 2 (issue 23): deep and oversized Word files, numbering
# and gridSpan blow-ups, `check --fix` on files it must not wreck, file names
# that are data, quadratic paths and odd drafts. Each item runs once under
# GNU time: exit status, wall time, peak memory and the first message (or
# what the run left behind). The figures are in BENCHMARKS.md ("Hostile
# input, round 2").
#
#   bench/attacks2.sh                          # target/release/notice
#   NOTICE=/path/to/notice bench/attacks2.sh   # another binary
#
# It does not build: the binary must be there. Needs GNU time (Debian:
# apt-get install time) and python3 (to write the inputs). Every input is
# made fresh in bench/out/attacks2.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

NOTICE=$(realpath -e "${NOTICE:-target/release/notice}") || {
  echo "no notice binary: build it (cargo build --release) or set NOTICE" >&2
  exit 2
}
[[ -x /usr/bin/time ]] || {
  echo "needs GNU time: apt-get install time" >&2
  exit 2
}
W=$PWD/bench/out/attacks2
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 2
export NO_COLOR=1

# run NAME COMMAND...: one table row. When the array CHECK is set, its
# command's output (what the run left behind) ends the message column;
# it may read $LOG.err and $LOG.out, the run's stderr and stdout.
CHECK=()
LOG=
RUN=0
run() {
  local name=$1 status secs kb msg
  shift
  LOG="$W/run-$((++RUN))"
  /usr/bin/time -f '%e %M' -o "$LOG.time" timeout 300 "$@" >"$LOG.out" 2>"$LOG.err"
  status=$?
  read -r secs kb < <(tail -1 "$LOG.time")
  msg=$(grep -m1 -E '^(error|warning|note)' "$LOG.err" || head -1 "$LOG.err")
  msg=$(cut -c1-110 <<<"$msg")
  if ((${#CHECK[@]})); then
    msg="${msg:+$msg — }$("${CHECK[@]}")"
    CHECK=()
  fi
  printf '| %s | %s | %s s | %s MB | %s |\n' "$name" "$status" "$secs" "$((kb / 1024))" "${msg//|/\\|}"
}

kb() { # kb FILE: its size, for a row's name
  awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f KB", b / 1024 }'
}

# Checks (for CHECK).
exists() { # exists PATH...: which of the paths are there
  local p sep=
  for p; do
    printf '%s%s: %s' "$sep" "$p" "$([[ -e $p ]] && echo written || echo "not written")"
    sep='; '
  done
  echo
}

changed() { # changed FILE [KEEP...]: FILE against FILE.orig, and whether each KEEP is still in it
  python3 - "$@" <<'PY'
import difflib, sys
path, keep = sys.argv[1], sys.argv[2:]
old = open(path + ".orig", encoding="utf-8").read().splitlines()
new = open(path, encoding="utf-8").read().splitlines()
clip = lambda s: s if len(s) <= 28 else s[:27] + "…"
if old == new:
    note = "unchanged"
else:
    edits = [op for op in difflib.SequenceMatcher(None, old, new).get_opcodes() if op[0] != "equal"]
    _, i1, i2, j1, j2 = edits[0]
    was = clip(" / ".join(old[i1:i2])) or "∅"
    now = clip(" / ".join(new[j1:j2])) or "∅"
    lines = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in edits)
    note = f"changed {lines} line(s), first L{i1 + 1}: `{was}` → `{now}`"
text = "\n".join(new)
lost = [k for k in keep if k not in text]
if keep:
    note += "; LOST: " + ", ".join(f"`{k}`" for k in lost) if lost else "; keeps all"
print(note)
PY
}

keys() { # keys PLAN KEY...: each key's value in the plan, or "absent"
  python3 - "$@" <<'PY'
import sys, tomllib
path, keys = sys.argv[1], sys.argv[2:]
try:
    plan = tomllib.load(open(path, "rb"))
except OSError as e:
    sys.exit(print(f"no plan: {e.strerror}"))
out = []
for k in keys:
    v = plan.get(k)
    out.append(f"{k}: absent" if v is None else f"{k} = {str(v)[:16]!r}")
print(", ".join(out))
PY
}

errlines() { # how much the run printed on stderr
  echo "$(wc -l <"$LOG.err") stderr lines, $(($(wc -c <"$LOG.err") / 1024)) KB"
}

plans_under() { # plans_under DIR: the plan.toml files an import left there (and above)
  local found
  found=$(find "$1" -name plan.toml | sort | paste -sd ' ')
  echo "plans: ${found:-none}; $1/../plan.toml: $([[ -e $1/../plan.toml ]] && echo written || echo not written)"
}

twin_kept() { # twin_kept DIR STRING...: notes printed; each string in the text twin of DIR/plan.toml (built untimed)
  local s out=()
  "$NOTICE" build --no-system-fonts --quiet --format txt "$1/plan.toml" >/dev/null 2>&1
  for s in "${@:2}"; do
    if grep -qF -- "$s" "$1/plan.txt" 2>/dev/null; then out+=("$s ✓"); else out+=("$s LOST"); fi
  done
  echo "$(grep -c '^note' "$LOG.err") notes; twin: ${out[*]}"
}

stdout_count() { # stdout_count STRING: how often the run's stdout names it
  echo "stdout names $1 $(grep -oF -- "$1" "$LOG.out" | wc -l) time(s)"
}

names() { # names DIR: the files written there, U+202E shown as <RLO>
  local list
  list=$(find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | paste -sd ' ')
  list=${list//$'\xe2\x80\xae'/<RLO>}
  echo "written: ${list:-nothing}"
}

# Inputs.
python3 - <<'PY'
import os, shutil, zipfile

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DRAFT = "关于做好防汛工作的通知\n各乡镇人民政府：\n为做好今年防汛工作，现将有关事项通知如下。\n某某县应急管理局\n2024年5月20日\n"

def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(text)

def word_file(path, body, numbering=None):
    """A minimal .docx: word/document.xml (and word/numbering.xml)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        if numbering is not None:
            z.writestr("word/numbering.xml", f"<w:numbering {W}>{numbering}</w:numbering>")

def p(text):
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"

head = p("关于做好防汛工作的通知") + p("各乡镇人民政府：")
closing = p("某某县应急管理局") + p("2024年5月20日")

# 1. Deep nesting, and a batch with a good plan beside it.
word_file("deep/sdt.docx", "<w:sdt><w:sdtContent>" * 5_000 + p("关于做好防汛工作的通知")
          + "</w:sdtContent></w:sdt>" * 5_000 + closing)
word_file("deep/links.docx", "<w:p>" + "<w:hyperlink>" * 30_000
          + "<w:r><w:t>关于做好防汛工作的通知</w:t></w:r>" + "</w:hyperlink>" * 30_000 + "</w:p>" + closing)
write("batch/good/plan.toml", 'title = "关于测试的通知"\nissuer = "某某县应急管理局"\nbody = "正文。"\ndate = 2024-05-20\n')
shutil.copy("deep/sdt.docx", "batch/sdt.docx")

# 2. Text past the body limit: 60,000 (and 240,000) paragraphs of 84 bytes.
long = p("为做好今年防汛工作现将有关事项通知如下各单位要高度重视。")
word_file("big/text.docx", head + long * 60_000 + closing)
word_file("big/text4x.docx", head + long * 240_000 + closing)

# 3. A 100 KB numbering pattern used by 3,000 paragraphs.
pattern = "某" * (100_000 // 3)
word_file("numbers/numbers.docx",
          head + '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>一项工作。</w:t></w:r></w:p>' * 3_000 + closing,
          f'<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="{pattern}%1"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>')

# 4. 20,000 rows of 20 cells spanning 64 columns (and one plain cell).
cell = '<w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr><w:p/></w:tc>'
row = "<w:tr>" + cell * 20 + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>"
word_file("spans/spans.docx", head + "<w:tbl>" + row * 20_000 + "</w:tbl>" + closing)

# 5. check --fix on files it must not wreck.
write("fix-a/plan.md", '+++ \ntitle = "关于测试的通知"\ndate = 2024-01-02\n+++\n正文,请遵照执行.\n')
write("fix-b/plan.toml", 'issuer = "{{ town | default(\\"永和镇\\") }}人民政府"\ntitle = "关于测试的通知"\ndate = 2024-01-02\nbody = "正文,请遵照执行."\n')
write("fix-c/plan.toml", 'title = "关于测试的通知"\ndate = 2024-01-02\nbody = """\n详见[通知](https://example.gov.cn/a(1).html).\n\n    code("x")\n\n```\nlet a = f(1,2);\n```\n\n正文,请遵照执行.\n"""\n')
write("fix-d-outside/secret.md", "外面的文件,不得修改.\n")
write("fix-d/plan.toml", 'title = "关于测试的通知"\nbody_file = "body.md"\ndate = 2024-01-02\n')
os.symlink("../fix-d-outside/secret.md", "fix-d/body.md")
write("fix-e/notes.md", '# 会议记录\n\n今天讨论了"预算",结论如下.\n')

# 6. A draft name that would be TOML if pasted into the plan as it is.
write('inject/通知\nnumber = "伪〔2024〕1号"\nurgency = "特急"\n.txt', DRAFT)

# 7. Quadratic paths.
write("md-many/draft.md", "关于做好防汛工作的通知\n\n各乡镇人民政府：\n\n"
      + "".join(f"第{i}段。\n\n" for i in range(20_000)) + "某某县应急管理局\n\n2024年5月20日\n")
write("spaced-import/draft.txt", DRAFT + "　　" + " ".join("为做好今年防汛工作现将有关事项通知如下" * 2_200)[:128 * 1024 // 4 * 2] + "\n")
write("spaced-fix/body.md", " ".join("为做好今年防汛工作现将有关事项通知如下" * 1_400)[:80 * 1024 // 4 * 2] + "\n")
write("spaced-fix/plan.toml", 'title = "关于测试的通知"\nissuer = "某某县应急管理局"\nbody_file = "body.md"\ndate = 2024-05-20\n')
write("tables/body.md", "".join(f"| 甲{i} |\n|---|\n\n" for i in range(100_000)))
write("tables/plan.toml", 'issuer = "某某县应急管理局"\ntitle = "关于做好防汛工作的通知"\nbody_file = "body.md"\ndate = 2024-05-20\n')
write("repairs/draft.txt", DRAFT + "".join(f"　　第{i}项 工作,要落实(责任)。\n\n" for i in range(66_000)))

# 8. Lines ended by CR only.
write("cr/通知.txt", DRAFT.replace("\n", "\r"))

# 9. Smaller ones.
write("dots/..txt", DRAFT)
write("fffe/plan.toml", 'title = "关于测试\ufffe的通知"\nissuer = "某某县应急管理局"\nbody = "正文\uffff。"\ndate = 2024-01-02\n')
write("rows/draft.txt", "关于做好防汛工作的通知\n各乡镇人民政府：\n序号\t地区\t金额\n"
      + "".join(f"{i}\t甲县\t{i * 3}\n" for i in range(30_000)) + "某某县应急管理局\n2024年5月20日\n")
write("body5m/draft.txt", "关于做好防汛工作的通知\n各乡镇人民政府：\n"
      + "　　为做好今年防汛工作，现将有关事项通知如下，各单位要高度重视。\n" * 50_000 + "某某县应急管理局\n2024年5月20日\n")
write("markup/draft.md", "关于做好防汛工作的通知\n\n各乡镇人民政府：\n\n为做好今年防汛工作，现将<b>有关</b>事项通知如下。\n\n```\n第一条　代码里的字。\n第二条　也在。\n```\n\n<div>网页里的一段话。</div>\n\n某某县应急管理局\n\n2024年5月20日\n")
write("blank/blank.txt", "\u2003\u200b\n\u200b\n\ufeff\u2003\u2003\n" * 2_000)
write("twice/plan.toml", 'title = "关于测试的通知"\nissuer = "某某县应急管理局"\nbody = "正文。"\ndate = 2024-01-02\n')
for d in ("rlo-data", "rlo-name"):
    write(f"{d}/plan.toml", 'title = "关于{{ who }}的通知"\nissuer = "某某县应急管理局"\nbody = "正文。"\ndate = 2024-01-02\n')
write("rlo-data/rows.csv", "who\n甲\u202efdp.exe\n")
write("rlo-name/rows.csv", "who\n甲\n")
PY
for f in fix-a/plan.md fix-b/plan.toml fix-c/plan.toml fix-d-outside/secret.md fix-e/notes.md; do
  cp "$f" "$f.orig"
done
inject=(inject/*.txt)
RLO=$'\xe2\x80\xae'

echo "| attack | exit | time | peak memory | first message |"
echo "|---|---|---|---|---|"

# 1. Deep nesting.
run "5,000 nested w:sdt, $(kb deep/sdt.docx) (build)" "$NOTICE" build --no-system-fonts deep/sdt.docx
run "5,000 nested w:sdt (check)" "$NOTICE" check --no-system-fonts deep/sdt.docx
CHECK=(exists deep/sdt-import)
run "5,000 nested w:sdt (import)" "$NOTICE" import deep/sdt.docx --out deep/sdt-import
CHECK=(exists deep/links-import)
run "30,000 nested w:hyperlink, $(kb deep/links.docx) (import)" "$NOTICE" import deep/links.docx --out deep/links-import
run "30,000 nested w:hyperlink (build)" "$NOTICE" build --no-system-fonts deep/links.docx
CHECK=(exists batch/good/plan.pdf)
run "batch: the folder (its scan takes plans, not .docx)" "$NOTICE" build --no-system-fonts batch
rm -f batch/good/plan.pdf batch/good/plan.txt
CHECK=(exists batch/good/plan.pdf)
run "batch: sdt.docx and good/plan.toml named" "$NOTICE" build --no-system-fonts batch/sdt.docx batch/good/plan.toml

# 2. Body limit in Word files.
run "docx of 60,000 paragraphs (5 MB text), $(kb big/text.docx) (build)" "$NOTICE" build --no-system-fonts big/text.docx
CHECK=(exists big/text-import)
run "docx of 60,000 paragraphs (import)" "$NOTICE" import big/text.docx --out big/text-import
run "docx of 240,000 paragraphs, $(kb big/text4x.docx) (build)" "$NOTICE" build --no-system-fonts big/text4x.docx

# 3. Numbering pattern.
run "100 KB lvlText × 3,000 paragraphs, $(kb numbers/numbers.docx) (build)" "$NOTICE" build --no-system-fonts numbers/numbers.docx
CHECK=(exists numbers/import/plan.toml)
run "100 KB lvlText × 3,000 paragraphs (import)" "$NOTICE" import numbers/numbers.docx --out numbers/import

# 4. gridSpan.
run "420,000 cells × gridSpan 64, $(kb spans/spans.docx) (build)" "$NOTICE" build --no-system-fonts spans/spans.docx
CHECK=(exists spans/import)
run "420,000 cells × gridSpan 64 (import)" "$NOTICE" import spans/spans.docx --out spans/import

# 5. check --fix.
CHECK=(changed fix-a/plan.md '+++ ' 'title = "关于测试的通知"' '正文，请遵照执行')
run "check --fix: \`+++ \` front matter" "$NOTICE" check --fix --no-system-fonts fix-a/plan.md
CHECK=(changed fix-b/plan.toml 'default(\"永和镇\")' '正文，请遵照执行')
run "check --fix: placeholder default(\"永和镇\")" "$NOTICE" check --fix --no-system-fonts fix-b/plan.toml
CHECK=(changed fix-c/plan.toml '[通知](https://example.gov.cn/a(1).html).' '    code("x")' 'let a = f(1,2);' '正文，请遵照执行')
run "check --fix: links and code in the body" "$NOTICE" check --fix --no-system-fonts fix-c/plan.toml
fix_d() {
  echo "secret.md $(changed fix-d-outside/secret.md); body.md $([[ -L fix-d/body.md ]] && echo "still a link" || echo "no longer a link")"
}
CHECK=(fix_d)
run "check --fix: body.md -> ../outside" "$NOTICE" check --fix --no-system-fonts fix-d/plan.toml
CHECK=(changed fix-e/notes.md)
run "check --fix: Markdown that is not a plan" "$NOTICE" check --fix --no-system-fonts fix-e/notes.md

# 6. A file name with newlines.
CHECK=(keys inject/plan/plan.toml number urgency title)
run "draft named 通知\\nnumber = …\\nurgency = …\\n.txt" "$NOTICE" import "${inject[0]}" --out inject/plan

# 7. Quadratic paths.
run "20,000 short Markdown paragraphs, $(kb md-many/draft.md) (import)" "$NOTICE" import md-many/draft.md --out md-many/plan
run "$(kb spaced-import/draft.txt) line, a space between Chinese characters (import)" "$NOTICE" import spaced-import/draft.txt --out spaced-import/plan
run "$(kb spaced-fix/body.md) spaced line (check --fix)" "$NOTICE" check --fix --no-system-fonts spaced-fix/plan.toml
run "100,000 one-row tables in the body (build)" "$NOTICE" build --no-system-fonts tables/plan.toml
CHECK=(errlines)
run "$(kb repairs/draft.txt) of lines each repaired (import)" "$NOTICE" import repairs/draft.txt --out repairs/plan

# 8. CR line ends.
CHECK=(keys cr/plan/plan.toml title to issuer date)
run "text draft with CR-only line ends (import)" "$NOTICE" import cr/通知.txt --out cr/plan

# 9. Smaller ones.
CHECK=(plans_under dots)
run "draft named ..txt (import)" "$NOTICE" import dots/..txt
CHECK=(exists fffe/plan.docx)
run "U+FFFE/U+FFFF in a plan (build --format docx)" "$NOTICE" build --no-system-fonts --format docx fffe/plan.toml
CHECK=(exists rows/plan)
run "text draft, 30,000-row table (import)" "$NOTICE" import rows/draft.txt --out rows/plan
CHECK=(exists body5m/plan)
run "text draft, $(kb body5m/draft.txt) body (import)" "$NOTICE" import body5m/draft.txt --out body5m/plan
CHECK=(twin_kept markup/plan '代码里的字' '网页里的一段话' '<b>有关</b>')
run "Markdown draft with fenced code and HTML (import)" "$NOTICE" import markup/draft.md --out markup/plan
CHECK=(exists blank/plan)
run "draft of U+2003/U+200B/U+FEFF lines only (import)" "$NOTICE" import blank/blank.txt --out blank/plan
CHECK=(stdout_count plan.pdf)
run "--format pdf,pdf (build --json)" "$NOTICE" build --no-system-fonts --json --format pdf,pdf twice/plan.toml
CHECK=(names rlo-data/out)
run "--name {{ who }}, who holds U+202E" "$NOTICE" build --no-system-fonts rlo-data/plan.toml --data rlo-data/rows.csv --name '{{ who }}' --out rlo-data/out
CHECK=(names rlo-name/out)
run "--name template holding U+202E" "$NOTICE" build --no-system-fonts rlo-name/plan.toml --data rlo-name/rows.csv --name "{{ who }}${RLO}fdp.exe" --out rlo-name/out
