//! The pagination sweep (issue 18): documents of every format, sealed and
//! not, with and without 附注, 抄送 and 印发, their bodies stepped from one
//! line to three pages one line at a time, in three shapes (one long
//! paragraph, many short ones, headings with a heading at the end). All
//! are built in one batch and every page is measured from the PDF:
//!
//! * a page followed by more body text ends at most two lines short;
//! * no page holds only the closing, the 附件说明, or one line of body;
//! * no page starts or ends with one line of a paragraph;
//! * no number is split across lines;
//! * no page is set tighter than 0.84 of the grid's pitch (26 lines in
//!   the room of 22; page 1 under its title: 0.75);
//! * the OFD of each shows every character where the PDF does.

mod support;

use std::fmt::Write as _;

use std::path::Path;
use support::measure::{content, page_ends};
use support::pdf::{Line, Pdf};
use support::*;

/// Distinct sentences of the kind a notice is made of, so no two
/// documents repeat one text.
const SENTENCES: &[&str] = &[
    "为切实做好全县防汛抗旱工作，确保人民群众生命财产安全，现就有关事项通知如下。",
    "各单位要高度重视，主要负责同志亲自抓，分管负责同志具体抓。",
    "2024年共排查隐患1372处，已整改1298处，整改率94.6%。",
    "请各乡镇于6月30日前将工作总结报县应急管理局。",
    "要建立健全值班值守制度，严格执行24小时值班和领导带班制度。",
    "对工作不力、造成严重后果的，依法依规追究有关人员责任。",
    "各部门要加强协调配合，形成工作合力，确保各项措施落到实处。",
    "加大宣传力度，充分利用广播、电视、网络等媒体普及防灾减灾知识。",
    "全年计划培训基层干部3600人次，组织应急演练120场。",
    "进一步完善应急预案体系，提高预案的针对性和可操作性。",
    "严格落实安全生产责任制，层层签订目标责任书。",
    "加强物资储备，做好抢险救灾物资的采购、调拨和管理工作。",
    "联系人：王建华，联系电话：0595-85123456。",
    "各地要结合实际，制定具体实施方案，细化工作措施。",
    "县财政安排专项资金850万元，用于农村危房改造和地质灾害防治。",
    "要及时发布预警信息，提前转移受威胁群众。",
    "认真开展汛前检查，重点检查水库、堤防、山塘和在建工程。",
    "督查组将于7月中旬对各地落实情况进行检查，结果在全县通报。",
    "坚持以人民为中心的发展思想，统筹发展和安全。",
    "建立隐患排查治理台账，实行销号管理，做到闭环整改。",
    "各乡镇人民政府要落实属地管理责任，县直各部门要落实行业监管责任。",
    "切实加强组织领导，确保工作有序推进、取得实效。",
    "本通知自印发之日起施行，有效期至2026年12月31日。",
    "对群众反映的问题，要做到件件有回音、事事有着落。",
];

const HEADINGS: &[&str] = &["总体要求", "工作重点", "保障措施", "工作要求", "其他事项"];

/// A little generator of distinct texts (no external crate: the sweep must
/// be the same on every machine).
struct Words {
    state: u64,
}

impl Words {
    fn new(seed: u64) -> Words {
        Words {
            state: seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407),
        }
    }

    fn next(&mut self) -> usize {
        self.state = self
            .state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.state >> 33) as usize
    }

    /// A paragraph of about `lines` body lines (28 characters, the first
    /// indented two).
    fn paragraph(&mut self, lines: usize) -> String {
        let target = (lines * 28).saturating_sub(2 + 6);
        let mut out = String::new();
        while out.chars().count() < target {
            out.push_str(SENTENCES[self.next() % SENTENCES.len()]);
        }
        let keep: String = out.chars().take(target.max(8)).collect();
        // End on a full stop, as a paragraph does.
        let keep = keep.trim_end_matches(['，', '、', '。', '：', '；']);
        format!("{keep}。")
    }
}

#[derive(Clone, Copy, Debug)]
enum Shape {
    OneParagraph,
    ManyParagraphs,
    HeadingAtEnd,
}

/// The body of a document of about `lines` lines.
fn body(words: &mut Words, lines: usize, shape: Shape) -> String {
    match shape {
        Shape::OneParagraph => words.paragraph(lines),
        Shape::ManyParagraphs => {
            let mut out = Vec::new();
            let mut left = lines;
            while left > 0 {
                let n = (1 + words.next() % 3).min(left);
                out.push(words.paragraph(n));
                left -= n;
            }
            out.join("\n\n")
        }
        Shape::HeadingAtEnd => {
            let mut out = vec![words.paragraph(1)];
            let mut left = lines.saturating_sub(1);
            let mut h = 0;
            while left > 2 {
                out.push(format!("# {}", HEADINGS[h % (HEADINGS.len() - 1)]));
                h += 1;
                let n = (2 + words.next() % 5).min(left - 1);
                out.push(words.paragraph(n));
                left -= n + 1;
            }
            if lines > 1 {
                out.push(format!("# {}", HEADINGS[HEADINGS.len() - 1]));
                out.push("本通知自印发之日起施行。".to_string());
            }
            out.join("\n\n")
        }
    }
}

const VARIANTS: &[&str] = &[
    "file",
    "listed",
    "enclosed",
    "upward",
    "joint",
    "letter",
    "order",
    "order-seal",
    "minutes",
];

const SEAL: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="0 0 42 42"><circle cx="21" cy="21" r="20" fill="none" stroke="#e60000" stroke-width="1.2"/><text x="21" y="25" font-size="9" text-anchor="middle" fill="#e60000">★</text></svg>"##;

struct Case {
    name: String,
    plan: String,
    date: &'static str,
}

fn case(variant: &str, lines: usize) -> Case {
    let seed = (lines as u64) * 31 + VARIANTS.iter().position(|v| *v == variant).unwrap() as u64;
    let mut words = Words::new(seed);
    let shape = [
        Shape::OneParagraph,
        Shape::ManyParagraphs,
        Shape::HeadingAtEnd,
    ][lines % 3];
    let sealed = (lines / 3) % 2 == 1;
    let note = (lines / 2).is_multiple_of(3);
    let imprint = (lines / 5).is_multiple_of(2);
    let n = lines % 97 + 1;
    let mut plan = String::new();
    let issuer = "某某县应急管理局";
    match variant {
        "joint" => {
            let third = if lines.is_multiple_of(2) {
                ", \"某某县水利局\""
            } else {
                ""
            };
            writeln!(plan, "issuer = [\"{issuer}\", \"某某县自然资源局\"{third}]").unwrap();
        }
        "order" | "order-seal" => {
            writeln!(plan, "format = \"order\"\nissuer = \"某某县人民政府\"").unwrap();
        }
        "minutes" => {
            writeln!(plan, "format = \"minutes\"\nissuer = \"某某县人民政府\"").unwrap();
        }
        "letter" => writeln!(plan, "format = \"letter\"\nissuer = \"{issuer}\"").unwrap(),
        _ => writeln!(plan, "issuer = \"{issuer}\"").unwrap(),
    }
    let number = match variant {
        "order" | "order-seal" => format!("第{n}号"),
        "minutes" => format!("第{n}期"),
        "letter" => format!("某应急函〔2024〕{n}号"),
        _ => format!("某应急〔2024〕{n}号"),
    };
    writeln!(plan, "number = \"{number}\"").unwrap();
    if variant == "upward" {
        let signers = ["张建国", "李明", "王晓红", "欧阳志远"];
        let k = 1 + lines % 4;
        let list: Vec<String> = signers[..k].iter().map(|s| format!("\"{s}\"")).collect();
        writeln!(plan, "signers = [{}]", list.join(", ")).unwrap();
    }
    if !variant.starts_with("order") {
        let title = match variant {
            "upward" => "关于申请安全生产专项资金的请示".to_string(),
            "minutes" => "县政府常务会议纪要".to_string(),
            "enclosed" => format!("关于印发2024年第{n}号应急管理工作要点的通知"),
            _ => format!("关于做好2024年第{n}批防汛抗旱和地质灾害防治工作的通知"),
        };
        writeln!(plan, "title = \"{title}\"").unwrap();
    }
    if !matches!(variant, "minutes" | "order" | "order-seal") {
        writeln!(plan, "to = \"各乡镇人民政府，县直各有关单位\"").unwrap();
    }
    writeln!(plan, "body = '''\n{}\n'''", body(&mut words, lines, shape)).unwrap();
    let date = "2024年5月20日";
    writeln!(plan, "date = 2024-05-20").unwrap();
    match variant {
        "order" => writeln!(plan, "signature = \"县长 张三\"").unwrap(),
        "order-seal" => writeln!(plan, "signature = \"县长 张三\"\nseal = \"seal.svg\"").unwrap(),
        "minutes" => writeln!(
            plan,
            "attendees = [\"周国华\", \"李明\", \"欧阳志远\", \"王晓红\", \"张建国\", \"陈东\", \"刘芳\"]\nabsentees = [\"蒋平（出差）\"]"
        )
        .unwrap(),
        "joint" if sealed => {
            let k = if lines.is_multiple_of(2) { 3 } else { 2 };
            let seals = vec!["\"seal.svg\""; k].join(", ");
            writeln!(plan, "seal = [{seals}]").unwrap();
        }
        _ if sealed => writeln!(plan, "seal = \"seal.svg\"").unwrap(),
        _ => {}
    }
    if note && !variant.starts_with("order") {
        writeln!(plan, "note = \"联系人：王建华，电话：0595-85123456\"").unwrap();
    }
    if imprint {
        writeln!(
            plan,
            "cc = \"市应急管理局，县委办公室\"\nprinted_by = \"某某县应急管理局办公室\""
        )
        .unwrap();
    }
    match variant {
        "listed" => {
            let k = 1 + lines % 3;
            for i in 0..k {
                writeln!(
                    plan,
                    "\n[[attachments]]\ntitle = \"2024年第{}批重点检查单位名单（{}）\"\nbody = \"{}\"",
                    n,
                    i + 1,
                    words.paragraph(2)
                )
                .unwrap();
            }
        }
        "enclosed" => writeln!(
            plan,
            "\n[[attachments]]\ntitle = \"2024年第{n}号应急管理工作要点\"\nlabel = \"\"\nlisted = false\nbody = \"{}\"",
            words.paragraph(6)
        )
        .unwrap(),
        _ => {}
    }
    Case {
        name: format!("{variant}-{lines:02}"),
        plan,
        date,
    }
}

/// A line of 3号 仿宋 (body text, the 附件说明, the 署名).
fn is_body(line: &Line) -> bool {
    line.glyphs
        .iter()
        .any(|g| (g.size - 16.0).abs() < 0.1 && g.font.contains("FandolFang"))
}

/// The first page of an attachment: its label or its title heads it.
fn starts_an_attachment(pdf: &Pdf, page: usize) -> bool {
    content(pdf, page)
        .first()
        .is_some_and(|l| l.text().starts_with("附件") || l.glyphs.iter().all(|g| g.size > 17.0))
}

fn is_continuation(line: &Line) -> bool {
    (line.left() - MARGIN_LEFT).abs() < 0.5
}

fn is_indented(line: &Line) -> bool {
    (line.left() - MARGIN_LEFT - 2.0 * CELL).abs() < 0.5
}

fn is_full(line: &Line) -> bool {
    line.right() > BODY_RIGHT - CELL * 0.9
}

/// A broken page rule: the page it is on (1-based) and what it is.
struct Problem {
    page: usize,
    what: String,
}

/// Documents of the sweep that may break a page rule today (a ratchet:
/// lower it when the search gets better).
const MOST_DOCUMENTS_WITH_A_PROBLEM: usize = 35;

/// What the pages of one document break.
fn problems(pdf: &Pdf, date: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    for end in page_ends(pdf) {
        if end.empty > 2.0 && !starts_an_attachment(pdf, end.page + 1) {
            out.push(Problem {
                page: end.page,
                what: format!(
                    "page {} ends {} lines short before more body (last `{}`)",
                    end.page, end.empty, end.last
                ),
            });
        }
    }
    // The 署名's page: body lines above the closing (the 附件说明 and
    // the 署名 are not body).
    let date_line = pdf.find_line(date);
    if date_line.page > 1 {
        let lines = content(pdf, date_line.page);
        let closing_top = lines
            .iter()
            .find(|l| {
                ["附件：", "出席：", "请假：", "列席："]
                    .iter()
                    .any(|p| l.text().starts_with(p))
            })
            .map_or(date_line.y - 2.5 * PITCH, |l| l.y - 0.1);
        let body = lines
            .iter()
            .filter(|l| {
                l.y < closing_top
                    && l.glyphs.iter().any(|g| (g.size - 16.0).abs() < 0.1)
                    && l.left() < MARGIN_LEFT + 2.0 * CELL + 0.5
            })
            .count();
        if body < 2 {
            out.push(Problem {
                page: date_line.page,
                what: format!(
                    "page {} holds {body} body lines above the closing",
                    date_line.page
                ),
            });
        }
    }
    for page in 1..pdf.pages {
        let this = content(pdf, page);
        let next = content(pdf, page + 1);
        let (Some(last), Some(first)) = (this.last(), next.first()) else {
            continue;
        };
        if !is_body(last) || !is_body(first) || starts_an_attachment(pdf, page + 1) {
            continue;
        }
        if is_indented(last) && is_full(last) && is_continuation(first) {
            out.push(Problem {
                page,
                what: format!("page {page} ends with a paragraph's first line alone"),
            });
        }
        let second = next.get(1);
        if is_continuation(first)
            && !is_full(first)
            && second.is_none_or(|s| !is_continuation(s))
            && first.y < MARGIN_TOP + PITCH
        {
            out.push(Problem {
                page: page + 1,
                what: format!(
                    "page {} starts with a paragraph's last line alone (`{}`)",
                    page + 1,
                    first.text()
                ),
            });
        }
    }
    out
}

/// Whether the last page holds only the 版记 (its lines in 4号, no 3号
/// line): allowed by GB/T 9704, but a sheet a 文秘 would save by setting
/// the closing's page closer.
fn imprint_alone(pdf: &Pdf) -> bool {
    let lines = content(pdf, pdf.pages);
    pdf.pages > 1
        && !lines.is_empty()
        && lines
            .iter()
            .all(|l| l.glyphs.iter().all(|g| (g.size - 14.0).abs() < 0.1))
}

/// Documents of the sweep whose last page holds only the 版记: a ratchet
/// at what the search achieves today (where the closing's page cannot be
/// set closer within its bound); lower it when the search gets better.
const MOST_IMPRINTS_ALONE: usize = 36;

/// What no page may ever show: a number split over two lines, a pitch
/// tighter than the search's bound.
fn never(pdf: &Pdf) -> Vec<String> {
    let mut out = Vec::new();
    let all = pdf.all_lines();
    for pair in all.windows(2) {
        let (a, b) = (pair[0].text(), pair[1].text());
        if is_continuation(&pair[1])
            && a.ends_with(|c: char| c.is_ascii_digit())
            && b.starts_with(|c: char| c.is_ascii_digit() || c == '%' || c == '.')
        {
            out.push(format!("a number is split: `{a}` | `{b}`"));
        }
    }
    for page in 1..=pdf.pages {
        let lines: Vec<Line> = content(pdf, page)
            .into_iter()
            .filter(|l| is_body(l) && l.glyphs.iter().all(|g| (g.size - 16.0).abs() < 0.1))
            .collect();
        for pair in lines.windows(2) {
            let gap = pair[1].y - pair[0].y;
            // Page 1 under its title may be set to 0.75 of the pitch, a
            // full page to 0.84 (fit.rs).
            let bound = if page == 1 { 0.75 } else { 0.84 };
            if gap > 0.5 && gap < PITCH * bound - 0.05 {
                out.push(format!("page {page} is set at a pitch of {gap:.2}mm"));
                break;
            }
        }
    }
    out
}

#[test]
fn every_format_at_every_fill_level_keeps_the_page_rules() {
    let dir = scratch("sweep");
    std::fs::write(dir.join("seal.svg"), SEAL).unwrap();
    let mut cases = Vec::new();
    for lines in 1..=66 {
        for variant in VARIANTS {
            let case = case(variant, lines);
            std::fs::write(dir.join(format!("{}.toml", case.name)), &case.plan).unwrap();
            cases.push(case);
        }
    }
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--json",
        "--jobs",
        "2",
        "--format",
        "pdf,txt,ofd",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "the sweep's batch failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What notice itself reported, per plan: the pages it warned about.
    let mut reported: std::collections::HashMap<String, Vec<String>> = Default::default();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let plan = record["plan"].as_str().unwrap_or_default();
        let name = Path::new(plan)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let warnings = record["warnings"].as_array().cloned().unwrap_or_default();
        reported.entry(name).or_default().extend(
            warnings
                .iter()
                .filter(|w| w["code"].as_str().is_some_and(|c| c.starts_with("layout-")))
                .filter_map(|w| w["message"].as_str().map(str::to_string)),
        );
    }
    let mut silent = Vec::new();
    let mut broken = Vec::new();
    let mut breaks = 0;
    let mut imprints_alone = Vec::new();
    let mut ofd_differs = Vec::new();
    let mut ofd_worst: f64 = 0.0;
    for case in &cases {
        let pdf = Pdf::parse(&std::fs::read(dir.join(format!("{}.pdf", case.name))).unwrap());
        breaks += pdf.pages - 1;
        // The OFD shows every character where the PDF does, at every fill
        // level of every format.
        let ofd = ofd::Ofd::parse(&std::fs::read(dir.join(format!("{}.ofd", case.name))).unwrap());
        let (differences, _, far) = ofd::compare(&ofd, &pdf, 0.05);
        ofd_worst = ofd_worst.max(far);
        ofd_differs.extend(differences.iter().map(|d| format!("{}: {d}", case.name)));
        if imprint_alone(&pdf) {
            imprints_alone.push(case.name.clone());
        }
        let warned = reported.get(&case.name).cloned().unwrap_or_default();
        for problem in never(&pdf) {
            silent.push(format!("{}: {problem}", case.name));
        }
        for problem in problems(&pdf, case.date) {
            let page = problem.page;
            if !warned
                .iter()
                .any(|w| w.starts_with(&format!("page {page}:")))
            {
                silent.push(format!("{}: {}", case.name, problem.what));
            }
            broken.push(format!("{}: {}", case.name, problem.what));
        }
    }
    // Where no candidate keeps every rule (a sealed closing taller than the
    // room page 1 can make, a heading kept with two lines of a short
    // paragraph), the best one is kept and reported. The count may only go
    // down: it is what the search achieves today, measured.
    let documents: std::collections::BTreeSet<&str> = broken
        .iter()
        .map(|b| b.split(':').next().unwrap())
        .collect();
    eprintln!(
        "sweep: {} documents, {breaks} page breaks; {} problems in {} documents",
        cases.len(),
        broken.len(),
        documents.len()
    );
    eprintln!("sweep: the OFDs' characters are at most {ofd_worst:.4} mm from the PDFs'");
    assert!(
        ofd_differs.is_empty(),
        "the OFD differs from the PDF:\n{}",
        ofd_differs.join("\n")
    );
    eprintln!(
        "sweep: the 版记 alone on the last page in {} documents: {imprints_alone:?}",
        imprints_alone.len()
    );
    assert!(
        imprints_alone.len() <= MOST_IMPRINTS_ALONE,
        "the 版记 alone on the last page: {imprints_alone:?}"
    );
    // A page that breaks a rule never ships without a word.
    assert!(
        silent.is_empty(),
        "{} problems notice did not report:\n{}",
        silent.len(),
        silent.join("\n")
    );
    assert!(
        documents.len() <= MOST_DOCUMENTS_WITH_A_PROBLEM,
        "{} of {} documents break a page rule (at most {MOST_DOCUMENTS_WITH_A_PROBLEM}):\n{}",
        documents.len(),
        cases.len(),
        broken.join("\n")
    );
}
