"""Where the Word file breaks pages, against the PDF: builds plans with
--format pdf,docx, renders the DOCX with LibreOffice (with only the
bundled faces, as tests/docx.rs does), and compares, page by page, where
each page starts in the text (a page that starts within one line, 28
characters, of the PDF's counts as the same break: LibreOffice breaks
lines a character or two apart).

Usage: docx_parity.py NOTICE PLAN_DIR WORK_DIR   (needs soffice, pymupdf)
"""
import glob
import os
import re
import shutil
import subprocess
import sys

import pymupdf

notice, plans, work = sys.argv[1:4]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fonts = os.path.join(repo, "fonts")
shutil.rmtree(work, ignore_errors=True)
shutil.copytree(plans, work)
subprocess.run([notice, "build", "--no-system-fonts", "--force", "--quiet", "--format", "pdf,docx", work])


def alias(file, names, mode):
    n = "".join(f"<string>{x}</string>" for x in names)
    return (f'<match target="scan"><test name="file"><string>{fonts}/{file}</string></test>'
            f'<edit name="family" mode="{mode}" binding="same">{n}</edit></match>')


conf = os.path.join(work, "fonts.conf")
with open(conf, "w") as f:
    f.write('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
            f'<dir>{fonts}</dir><cachedir>{work}/fc</cachedir>'
            + alias("FandolFang-Regular.otf", ["仿宋_GB2312", "仿宋"], "append")
            + alias("FandolHei-Regular.otf", ["黑体"], "append")
            + alias("FandolKai-Regular.otf", ["楷体_GB2312", "楷体"], "append")
            + alias("NotoSerifCJKsc-Bold-subset.otf", ["方正小标宋简体"], "assign")
            + alias("NotoSerifCJKsc-Regular-fallback.otf", ["宋体"], "append")
            + "</fontconfig>")
docx = sorted(glob.glob(os.path.join(work, "**", "*.docx"), recursive=True))
# One flat folder for LibreOffice, each file named after its path (plans
# in folders are all called plan.toml).
flat = os.path.join(work, "flat")
lo = os.path.join(work, "lo")
os.makedirs(flat)
names = {}
for d in docx:
    name = os.path.relpath(d, work)[:-5].replace(os.sep, "_")
    names[d] = name
    shutil.copy(d, os.path.join(flat, name + ".docx"))
subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
                "--convert-to", "pdf", "--outdir", lo, *sorted(glob.glob(flat + "/*.docx"))],
               env={**os.environ, "FONTCONFIG_FILE": conf}, capture_output=True)


def pages(path):
    out = []
    for page in pymupdf.open(path):
        lines = []
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                text = "".join(s["text"] for s in line["spans"]).replace(" ", "").replace("\u3000", "")
                if text and not re.fullmatch(r"[—–-]?\d+[—–-]?", text):
                    lines.append((round(line["bbox"][1], 1), line["bbox"][0], text))
        out.append("".join(t for _, _, t in sorted(lines)))
    return out


same, other_count, far = 0, [], []
for d in docx:
    name = names[d]
    ours, theirs = pages(d[:-5] + ".pdf"), pages(os.path.join(lo, name + ".pdf"))
    if len(ours) != len(theirs):
        other_count.append(f"{name}: {len(ours)} pages, LibreOffice {len(theirs)}")
        continue
    starts = lambda ps: [sum(len(p) for p in ps[:k]) for k in range(1, len(ps))]
    worst = max([abs(a - b) for a, b in zip(starts(ours), starts(theirs))] or [0])
    if worst <= 28:
        same += 1
    else:
        far.append(f"{name}: a page starts {worst} characters from the PDF's")
print(f"{len(docx)} documents: {same} break every page within a line of the PDF; "
      f"{len(other_count)} have another page count; {len(far)} break a page further away")
for line in other_count + far:
    print("  " + line)
