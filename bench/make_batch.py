"""Writes a batch of distinct documents for the batch benchmarks.

Usage: make_batch.py KIND COUNT OUT_DIR

KIND is
  table-notice  the benchmark notice (bench/table-notice): 版头, a two-level body,
             附件说明, 署名, 附注, a table attachment and 版记;
  dense      a real 印发 notice rebuilt from the yonghe corpus text: one
             paragraph of notice and the five-page enclosed 工作要点 after it
             (examples/yonghe-notice without its landscape table), about six
             pages of dense text.

No two documents are copies: each gets its own issuer, town, year and
number, and the sentences of every paragraph are reordered and one is left
out or repeated, with a seed per document, so every paragraph differs and
Typst's memoisation cannot reuse one document's layout for the next. The
output is the same for the same arguments.
"""
import os
import random
import re
import shutil
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

TOWNS = ["永和", "安海", "金井", "龙湖", "深沪", "英林", "东石", "磁灶", "内坑", "紫帽",
         "西园", "陈埭", "池店", "罗山", "灵源", "新塘", "梅岭", "青阳", "西滨", "东山"]
COUNTIES = ["晋江市", "南安市", "惠安县", "安溪县", "永春县", "德化县", "石狮市", "泉港区"]


def sentences(paragraph):
    """A paragraph's sentences, each with its closing mark."""
    return [s for s in re.findall(r"[^。；！？]*[。；！？]?", paragraph) if s]


def vary(paragraph, rng):
    """The paragraph with its sentences reordered, one dropped or repeated."""
    heading = re.match(r"^(#+ )", paragraph)
    if heading or len(paragraph) < 20:
        return paragraph
    parts = sentences(paragraph)
    if len(parts) > 2:
        lead, rest = parts[0], parts[1:]
        rng.shuffle(rest)
        if rng.random() < 0.9 and len(rest) > 1:
            rest.pop()
        else:
            rest.append(rng.choice(rest))
        parts = [lead] + rest
    text = "".join(parts)
    if not text.endswith(("。", "；", "！", "？")):
        text += "。"
    return text


def localise(text, town, county, year):
    return (text.replace("永和镇", town + "镇").replace("永和", town)
            .replace("晋江市", county).replace("2020", str(year))
            .replace("{{ year }}", str(year)))


def body(path, rng, town, county, year):
    with open(path, encoding="utf-8") as f:
        paragraphs = f.read().split("\n\n")
    return "\n\n".join(vary(localise(p, town, county, year), rng) for p in paragraphs)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def document(kind, i, out):
    rng = random.Random(f"{kind}-{i}")
    town = TOWNS[i % len(TOWNS)]
    county = COUNTIES[(i // len(TOWNS)) % len(COUNTIES)]
    year = 2018 + i % 7
    folder = os.path.join(out, f"n{i:03d}")
    os.makedirs(folder, exist_ok=True)
    issuer = f"{county}{town}镇人民政府"
    number = f"晋{town[0]}政文〔{year}〕{i + 1}号"
    if kind == "table-notice":
        source = os.path.join(ROOT, "bench", "table-notice")
        write(os.path.join(folder, "body.md"),
              body(os.path.join(source, "body.md"), rng, town, county, year))
        shutil.copy(os.path.join(source, "schedule.csv"), folder)
        plan = f'''issuer = "{issuer}"
mark = "{town}镇人民政府文件"
number = "{number}"
title = "{town}镇人民政府关于印发{year}年应急管理宣传教育培训工作要点的通知"
to = ["各村", "各工作点", "镇有关单位"]
body_file = "body.md"
date = {year}-06-{1 + i % 28:02d}
note = "此件公开发布"
cc = "镇党委、人大、政府领导班子成员"
printed_by = "{town}镇党政办公室"

[[attachments]]
title = "{year}年{town}镇安全生产宣传教育培训重点工作计划表"
csv = "schedule.csv"
'''
    else:
        source = os.path.join(ROOT, "examples", "yonghe-notice")
        write(os.path.join(folder, "work-plan.md"),
              body(os.path.join(source, "work-plan.md"), rng, town, county, year))
        plan = f'''issuer = "{issuer}"
mark = "{town}镇人民政府文件"
number = "{number}"
title = "{town}镇人民政府关于印发{year}年应急管理宣传教育培训工作要点的通知"
to = ["各村", "各工作点", "镇有关单位"]
body = "现将《{town}镇{year}年应急管理宣传教育培训工作要点》印发给你们，请结合实际，认真抓好落实。"
date = {year}-06-{1 + i % 28:02d}
note = "此件公开发布"
cc = "镇党委、人大、政府领导班子成员"
printed_by = "{town}镇党政办公室"

[[attachments]]
title = "{town}镇{year}年应急管理宣传教育培训工作要点"
body_file = "work-plan.md"
label = ""
listed = false
'''
    write(os.path.join(folder, "plan.toml"), plan)


def main():
    kind, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind not in ("table-notice", "dense"):
        sys.exit(f"unknown kind {kind}: table-notice or dense")
    shutil.rmtree(out, ignore_errors=True)
    for i in range(count):
        document(kind, i, out)


if __name__ == "__main__":
    main()
