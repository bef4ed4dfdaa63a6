//! Import over generated drafts (issue 19): every shape of a real draft
//! (headers, titles broken over lines, bylines, 附件说明, padded and joint
//! 署名, dates in Chinese numerals, 附注, labelled and enclosed
//! attachments, 版记), each element checked in its plan key, and the
//! rebuilt twin checked against the draft: every line of the draft is in
//! the twin, in order, unless a note names it as removed.

mod support;

use std::fmt::Write as _;

use support::*;

const NBSP: &str = "\u{a0}";
const IDEO: &str = "\u{3000}";

/// What a generated draft holds, and so what the plan must say.
struct Draft {
    name: String,
    text: String,
    /// The draft's lines as the twin must hold them, in order
    /// (whitespace removed; a Chinese-numeral date in Arabic numerals).
    expected: Vec<String>,
    /// `key = value` lines the plan must hold.
    keys: Vec<String>,
    /// Attachment titles, in order, and whether each has text.
    attachments: Vec<(String, bool, bool)>,
}

#[derive(Clone, Copy)]
enum Header {
    None,
    Mark,
    Joint,
    Up,
}

#[derive(Clone, Copy)]
enum TitleShape {
    OneLine,
    TwoLines,
    WebSpace,
    /// `关 于 印 发 …`: a page's letter-spaced heading.
    LetterSpaced,
}

#[derive(Clone, Copy)]
enum Pad {
    None,
    Nbsp,
    Ideographic,
    Tabs,
    Mixed,
}

#[derive(Clone, Copy)]
enum Enclosure {
    /// No attachment.
    None,
    /// Listed in the 附件说明 and printed after the closing with this label
    /// line: `附件`, `附件：`, `附件1`, `附件1：`, or `附件1：TITLE`.
    Listed(&'static str, usize),
    /// Listed but sent separately.
    Absent,
    /// An 印发 notice's enclosed document: no label, not listed.
    Enclosed,
}

/// A web page's lines above the 公文's first line.
#[derive(Clone, Copy)]
enum SiteHead {
    None,
    /// A government site's metadata table (`索引号：…`, `发文机关：…`).
    Metadata,
    /// `下载地址：点击此处下载`, `今天是：…`, a page's buttons.
    Labels,
    /// The organisation the title opens with, above it (`某某县人民政府`
    /// over `某某县人民政府办公室关于…`).
    Organisation,
}

/// Where a draft with no 版头 gives its 发文字号.
#[derive(Clone, Copy)]
enum NumberAt {
    Nowhere,
    /// In brackets on the line under the title.
    Under,
    /// In brackets after the title, on its line.
    After,
}

struct Shape {
    header: Header,
    title: TitleShape,
    site: SiteHead,
    number_at: NumberAt,
    /// A law site's copy: under the title, the issuer on a line of its
    /// own (perhaps with its province) and the title again.
    law_site: bool,
    /// The title opens `A、B印发《…》` rather than `A、B关于印发《…》`.
    issued_without_guanyu: bool,
    /// How the Chinese-numeral year writes its zero: 〇, ○, a letter O or
    /// a digit 0 (as typed in real drafts).
    zero: char,
    byline: bool,
    pad: Pad,
    joint_signature: bool,
    chinese_date: bool,
    note: Option<&'static str>,
    enclosure: Enclosure,
    record: bool,
}

fn pad(p: Pad, n: usize) -> String {
    match p {
        Pad::None => String::new(),
        Pad::Nbsp => NBSP.repeat(n * 2),
        Pad::Ideographic => IDEO.repeat(n),
        Pad::Tabs => "\t".repeat(n / 2 + 1),
        Pad::Mixed => format!("{}{}", NBSP.repeat(n), IDEO.repeat(n / 2)),
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

const OFFICES: [(&str, &str); 4] = [
    ("某某市应急管理局", "某应急"),
    ("某某县人民政府办公室", "某政办发"),
    ("某某省交通运输厅", "某交"),
    ("某某区教育局", "某教"),
];

const DOCS: [&str; 4] = [
    "2024年宣传工作要点",
    "防汛抗旱应急预案",
    "农村公路养护管理办法",
    "校园安全专项整治工作方案",
];

/// Appends one draft line; `expect` says it must reach the twin.
fn line(text: &mut String, expected: &mut Vec<String>, s: &str, expect: bool) {
    text.push_str(s);
    text.push('\n');
    if expect && !squash(s).is_empty() {
        expected.push(squash(s));
    }
}

fn draft(n: usize, shape: &Shape) -> Draft {
    let (office, prefix) = OFFICES[n % OFFICES.len()];
    let second = OFFICES[(n + 1) % OFFICES.len()].0;
    let doc = format!("{office}{}", DOCS[n % DOCS.len()]);
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut keys = Vec::new();
    let number = format!("{prefix}〔2024〕{}号", n + 3);
    let joint = matches!(shape.header, Header::Joint) || shape.joint_signature;
    match shape.site {
        SiteHead::None => {}
        SiteHead::Metadata => {
            for l in [
                format!("索引号：11532323/2024-00{n:03}　　主题分类：综合政务"),
                format!("发文机关：{office}"),
                format!("成文日期：2024年3月{}日", n % 28 + 1),
                "发布日期：2024年3月20日".to_string(),
            ] {
                line(&mut text, &mut expected, &l, false);
            }
            line(&mut text, &mut expected, "", false);
        }
        SiteHead::Labels => {
            line(&mut text, &mut expected, "登陆注册", false);
            line(&mut text, &mut expected, "下载地址：点击此处下载", false);
            line(&mut text, &mut expected, "", false);
        }
        SiteHead::Organisation => {
            // The part of the office before its last unit: 某某县人民政府.
            let parent = office
                .strip_suffix("办公室")
                .or_else(|| office.strip_suffix("局"))
                .or_else(|| office.strip_suffix("厅"))
                .unwrap_or(office);
            let parent = if parent.ends_with("政府") {
                parent.to_string()
            } else {
                format!(
                    "{}人民政府",
                    &parent[..parent.char_indices().nth(3).unwrap().0]
                )
            };
            if office.starts_with(&parent) && office != parent {
                line(&mut text, &mut expected, &parent, false);
                line(&mut text, &mut expected, "", false);
            }
        }
    }
    match shape.header {
        Header::None => {}
        Header::Mark => {
            line(&mut text, &mut expected, &format!("{office}文件"), true);
            line(&mut text, &mut expected, "", false);
            line(&mut text, &mut expected, &number, true);
            keys.push(format!("number = \"{number}\""));
        }
        Header::Joint => {
            line(&mut text, &mut expected, office, true);
            line(&mut text, &mut expected, second, true);
            line(&mut text, &mut expected, "文件", true);
            line(&mut text, &mut expected, "", false);
            line(&mut text, &mut expected, &number, true);
        }
        Header::Up => {
            line(
                &mut text,
                &mut expected,
                &format!("{number}{IDEO}{IDEO}签发人：王建国"),
                true,
            );
            keys.push("signers = [\"王建国\"]".into());
        }
    }
    line(&mut text, &mut expected, "", false);
    let issuers = if joint && shape.joint_signature && n.is_multiple_of(2) {
        // A title that runs joint issuers together: the 署名 parts them.
        format!("{office}{second}")
    } else if joint {
        format!("{office}、{second}")
    } else {
        office.to_string()
    };
    let kind = if matches!(shape.enclosure, Enclosure::Enclosed | Enclosure::Listed(..)) {
        if shape.issued_without_guanyu {
            format!("印发《{doc}》的通知")
        } else {
            format!("关于印发《{doc}》的通知")
        }
    } else {
        format!(
            "关于做好第{}批{}工作的通知",
            n + 1,
            DOCS[(n + 2) % DOCS.len()]
        )
    };
    let title = format!("{issuers}{kind}");
    // Only a draft with no 版头 gives its number by the title.
    let number_at = match shape.header {
        Header::None => shape.number_at,
        _ => NumberAt::Nowhere,
    };
    // The twin prints the number in the 版头, above the title.
    let title_at = expected.len();
    match shape.title {
        TitleShape::OneLine if matches!(number_at, NumberAt::After) => {
            line(
                &mut text,
                &mut expected,
                &format!("{title}（{number}）"),
                false,
            );
            expected.push(number.clone());
            expected.push(title.clone());
            keys.push(format!("number = \"{number}\""));
        }
        TitleShape::OneLine => line(&mut text, &mut expected, &title, true),
        TitleShape::TwoLines => {
            let cut = title
                .char_indices()
                .nth(title.chars().count() / 2)
                .unwrap()
                .0;
            line(&mut text, &mut expected, &title[..cut], true);
            line(&mut text, &mut expected, &title[cut..], true);
        }
        TitleShape::LetterSpaced => {
            let spaced: Vec<String> = title.chars().map(String::from).collect();
            line(&mut text, &mut expected, &spaced.join(" "), true);
        }
        TitleShape::WebSpace => {
            // A web copy turned the draft's line break into a space.
            let cut = title
                .char_indices()
                .nth(title.chars().count() / 2)
                .unwrap()
                .0;
            line(
                &mut text,
                &mut expected,
                &format!("{} {}", &title[..cut], &title[cut..]),
                true,
            );
        }
    }
    if shape.law_site {
        line(&mut text, &mut expected, "", false);
        let issuer_line = if n.is_multiple_of(2) {
            format!("某某省{office}")
        } else {
            office.to_string()
        };
        line(&mut text, &mut expected, &issuer_line, false);
        line(&mut text, &mut expected, "", false);
        line(&mut text, &mut expected, &title, false);
    }
    if matches!(number_at, NumberAt::Under)
        || (matches!(number_at, NumberAt::After) && !matches!(shape.title, TitleShape::OneLine))
    {
        line(&mut text, &mut expected, &format!("（{number}）"), false);
        expected.insert(title_at, number.clone());
        keys.push(format!("number = \"{number}\""));
    }
    keys.push(format!("title = \"{title}\""));
    if joint {
        keys.push(format!("issuer = [\"{office}\", \"{second}\"]"));
    } else {
        keys.push(format!("issuer = \"{office}\""));
    }
    if shape.byline {
        line(
            &mut text,
            &mut expected,
            &format!("发布日期：2024-03-1{}{IDEO}{IDEO}来源：{office}", n % 10),
            false,
        );
    }
    line(&mut text, &mut expected, "", false);
    let to = "各区县人民政府，市直各有关单位";
    line(&mut text, &mut expected, &format!("{to}："), true);
    keys.push(format!("to = \"{to}\""));
    let body = [
        format!(
            "为切实做好{}工作，保障人民群众生命财产安全，现将有关事项通知如下。",
            DOCS[n % 4]
        ),
        "（一）加强组织领导。".to_string(),
        "各单位要高度重视，主要负责同志亲自抓，分管负责同志具体抓，确保各项工作落到实处。"
            .to_string(),
        format!(
            "请于2024年{}月{}日前将工作情况报送市应急管理局。",
            n % 12 + 1,
            n % 28 + 1
        ),
    ];
    for p in &body {
        line(&mut text, &mut expected, &format!("{IDEO}{IDEO}{p}"), true);
    }
    let mut attachments = Vec::new();
    let listed_title = doc.clone();
    match shape.enclosure {
        Enclosure::Listed(..) | Enclosure::Absent => {
            line(&mut text, &mut expected, "", false);
            line(
                &mut text,
                &mut expected,
                &format!("{IDEO}{IDEO}附件：{listed_title}"),
                true,
            );
        }
        _ => {}
    }
    line(&mut text, &mut expected, "", false);
    let p = shape.pad;
    if shape.joint_signature {
        line(
            &mut text,
            &mut expected,
            &format!(
                "{}{office}{IDEO}{IDEO}{IDEO}{second}{}",
                pad(p, 8),
                pad(p, 2)
            ),
            true,
        );
    } else {
        line(
            &mut text,
            &mut expected,
            &format!("{}{office}{}", pad(p, 12), pad(p, 1)),
            true,
        );
    }
    let (month, day) = (n % 12 + 1, n % 27 + 1);
    if shape.chinese_date {
        let digits = |v: usize| -> String {
            const TENS: [&str; 4] = ["", "十", "二十", "三十"];
            const ONES: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
            format!("{}{}", TENS[v / 10], ONES[v % 10])
        };
        text.push_str(&format!(
            "{}二{z}二四年{}月{}日{}\n",
            pad(p, 13),
            digits(month),
            digits(day),
            pad(p, 1),
            z = shape.zero
        ));
    } else {
        text.push_str(&format!(
            "{}2024年{month}月{day}日{}\n",
            pad(p, 13),
            pad(p, 1)
        ));
    }
    expected.push(format!("2024年{month}月{day}日"));
    keys.push(format!("date = 2024-{month:02}-{day:02}"));
    if let Some(note) = shape.note {
        line(&mut text, &mut expected, "", false);
        line(
            &mut text,
            &mut expected,
            &format!("{}（{note}）", pad(p, 2)),
            true,
        );
        keys.push(format!("note = \"{note}\""));
    }
    let section = |text: &mut String, expected: &mut Vec<String>| {
        let paragraphs = [
            format!(
                "为做好{}工作，制定本{}。",
                DOCS[n % 4],
                if n.is_multiple_of(2) {
                    "方案"
                } else {
                    "要点"
                }
            ),
            "一、总体要求".to_string(),
            format!(
                "坚持人民至上、生命至上，全年开展宣传活动不少于{}场次。",
                n + 10
            ),
            "二、主要任务".to_string(),
            "（一）深入开展宣传教育。组织开展“安全生产月”等活动，普及安全知识。".to_string(),
        ];
        for p in paragraphs {
            text.push_str(&format!("{IDEO}{IDEO}{p}\n\n"));
            expected.push(squash(&p));
        }
    };
    match shape.enclosure {
        Enclosure::None => {}
        Enclosure::Absent => attachments.push((listed_title.clone(), true, false)),
        Enclosure::Listed(label, title_lines) => {
            line(&mut text, &mut expected, "", false);
            // The attachment page prints its label bare (附件1, no colon), as
            // GB/T 9704 §8 sets it, and the title on a line of its own.
            let bare = label.trim_end_matches("TITLE").trim_end_matches('：');
            if label.ends_with("TITLE") {
                let label = label.trim_end_matches("TITLE");
                line(
                    &mut text,
                    &mut expected,
                    &format!("{label}{listed_title}"),
                    false,
                );
                expected.push(squash(bare));
                expected.push(squash(&listed_title));
            } else {
                line(&mut text, &mut expected, label, false);
                expected.push(squash(bare));
                line(&mut text, &mut expected, "", false);
                if title_lines == 2 {
                    let cut = listed_title
                        .char_indices()
                        .nth(listed_title.chars().count() - 4)
                        .unwrap()
                        .0;
                    line(&mut text, &mut expected, &listed_title[..cut], true);
                    line(&mut text, &mut expected, &listed_title[cut..], true);
                } else {
                    line(&mut text, &mut expected, &listed_title, true);
                }
            }
            line(&mut text, &mut expected, "", false);
            section(&mut text, &mut expected);
            attachments.push((listed_title.clone(), true, true));
        }
        Enclosure::Enclosed => {
            line(&mut text, &mut expected, "", false);
            line(&mut text, &mut expected, &listed_title, true);
            line(&mut text, &mut expected, "", false);
            section(&mut text, &mut expected);
            attachments.push((listed_title.clone(), false, true));
        }
    }
    if shape.record {
        line(&mut text, &mut expected, "", false);
        line(
            &mut text,
            &mut expected,
            "抄送：市委办公室，市人大常委会办公室。",
            true,
        );
        line(
            &mut text,
            &mut expected,
            &format!("{office}{IDEO}{IDEO}{IDEO}2024年{month}月{day}日印发"),
            true,
        );
        keys.push("cc = \"市委办公室，市人大常委会办公室\"".into());
    }
    Draft {
        name: format!("d{n:03}"),
        text,
        expected,
        keys,
        attachments,
    }
}

/// Whether shape `i` names joint issuers in its title (no mark, 署名 of
/// two): a law site's issuer line names one of them.
fn joint_in_title(i: usize) -> bool {
    i.is_multiple_of(4) && i % 3 == 1
}

fn shapes() -> Vec<Shape> {
    let headers = [Header::None, Header::Mark, Header::Joint, Header::Up];
    let titles = [
        TitleShape::OneLine,
        TitleShape::TwoLines,
        TitleShape::WebSpace,
        TitleShape::LetterSpaced,
    ];
    let pads = [
        Pad::None,
        Pad::Nbsp,
        Pad::Ideographic,
        Pad::Tabs,
        Pad::Mixed,
    ];
    let notes = [None, Some("信息公开形式：主动公开"), Some("此件公开发布")];
    let enclosures = [
        Enclosure::None,
        Enclosure::Listed("附件", 1),
        Enclosure::Listed("附件：", 1),
        Enclosure::Listed("附件1", 2),
        Enclosure::Listed("附件1：", 1),
        Enclosure::Listed("附件：TITLE", 1),
        Enclosure::Absent,
        Enclosure::Enclosed,
    ];
    // Every value of every dimension, each beside many others: a mixed
    // radix walk rather than the full product.
    (0..80)
        .map(|i| Shape {
            header: headers[i % 4],
            title: titles[(i / 4) % 4],
            site: [
                SiteHead::None,
                SiteHead::Metadata,
                SiteHead::Labels,
                SiteHead::Organisation,
            ][(i / 3) % 4],
            number_at: [NumberAt::Nowhere, NumberAt::Under, NumberAt::After][(i / 6) % 3],
            issued_without_guanyu: i % 9 == 4,
            law_site: i.is_multiple_of(4) && !i.is_multiple_of(8) && !joint_in_title(i),
            zero: ['〇', '○', 'O', '0'][(i / 5) % 4],
            byline: i % 7 == 3,
            pad: pads[(i / 2) % 5],
            // Joint issuers in the mark, or (no mark) only in the title
            // and the 署名.
            joint_signature: match headers[i % 4] {
                Header::Joint => i % 3 != 0,
                Header::None => i % 3 == 1,
                _ => false,
            },
            chinese_date: i % 5 == 1,
            note: notes[(i / 3) % 3],
            enclosure: enclosures[(i / 5) % 8],
            record: i % 2 == 1,
        })
        .collect()
}

#[test]
fn every_shape_of_draft_keeps_its_elements_and_its_words() {
    let dir = scratch("import-shapes");
    let mut failures = String::new();
    let shapes = shapes();
    for (n, shape) in shapes.iter().enumerate() {
        let d = draft(n, shape);
        let path = dir.join(format!("{}.txt", d.name));
        std::fs::write(&path, &d.text).unwrap();
        let out = dir.join(&d.name);
        let imported = notice(&[
            "import",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&imported.stderr).into_owned();
        if !imported.status.success() {
            writeln!(failures, "{}: import failed: {stderr}", d.name).unwrap();
            continue;
        }
        let plan_path = out.join("plan.toml");
        let plan = std::fs::read_to_string(&plan_path).unwrap();
        let mut wrong = Vec::new();
        for key in &d.keys {
            if !plan.contains(key.as_str()) {
                wrong.push(format!("missing {key}"));
            }
        }
        // The draft's `（一）…。` line before a paragraph stays a heading on
        // its own line.
        let body = std::fs::read_to_string(out.join("body.md")).unwrap_or_default();
        if !body.contains("## （一）加强组织领导。 ##\n") {
            wrong.push("“（一）加强组织领导。” is not a heading of its own".into());
        }
        // Attachments: titles, listed or not, and text where the draft had it.
        let heads: Vec<&str> = plan.split("[[attachments]]").skip(1).collect();
        if heads.len() != d.attachments.len() {
            wrong.push(format!(
                "{} attachments, the draft has {}",
                heads.len(),
                d.attachments.len()
            ));
        }
        for (head, (title, listed, text)) in heads.iter().zip(&d.attachments) {
            if !head.contains(&format!("title = \"{title}\"")) {
                wrong.push(format!("attachment title is not “{title}”"));
            }
            if head.contains("listed = false") == *listed {
                wrong.push(format!("attachment “{title}” listed should be {listed}"));
            }
            if head.contains("body_file") != *text {
                wrong.push(format!("attachment “{title}” text should be {text}"));
            }
        }
        let built = notice(&[
            "build",
            "--no-system-fonts",
            "--format",
            "txt",
            plan_path.to_str().unwrap(),
        ]);
        if !built.status.success() {
            wrong.push(format!(
                "build failed: {}",
                String::from_utf8_lossy(&built.stderr)
            ));
        } else {
            let twin = squash(&std::fs::read_to_string(out.join("plan.txt")).unwrap());
            let dropped = dropped_lines(stderr.split("note[import]:").skip(1));
            let mut from = 0;
            for line in &d.expected {
                match twin[from..].find(line.as_str()) {
                    Some(at) => from += at + line.len(),
                    None => {
                        let at = d
                            .text
                            .lines()
                            .position(|l| squash(l) == *line)
                            .map_or(0, |p| p + 1);
                        if !dropped.contains(&at) {
                            wrong.push(format!("line {at} “{line}” is not in the twin (in order)"));
                        }
                    }
                }
            }
        }
        if !wrong.is_empty() {
            writeln!(
                failures,
                "{} ({}):\n  {}\n--- draft\n{}--- notes\n{stderr}--- plan\n{plan}",
                d.name,
                path.display(),
                wrong.join("\n  "),
                d.text
            )
            .unwrap();
        }
    }
    let count = failures.matches("--- draft").count();
    assert!(
        failures.is_empty(),
        "{count} of {} drafts lost something:\n{failures}",
        shapes.len()
    );
}

#[test]
fn generated_drafts_cover_every_shape() {
    // The walk reaches every value of every dimension.
    let shapes = shapes();
    let seen = |f: &dyn Fn(&Shape) -> usize, n: usize| {
        let mut hit = vec![false; n];
        for s in &shapes {
            hit[f(s)] = true;
        }
        hit.iter().all(|h| *h)
    };
    assert!(seen(&|s| s.header as usize, 4));
    assert!(seen(&|s| s.title as usize, 4));
    assert!(seen(&|s| s.pad as usize, 5));
    assert!(seen(
        &|s| match s.enclosure {
            Enclosure::None => 0,
            Enclosure::Listed("附件", _) => 1,
            Enclosure::Listed("附件：", _) => 2,
            Enclosure::Listed("附件1", _) => 3,
            Enclosure::Listed("附件1：", _) => 4,
            Enclosure::Listed(_, _) => 5,
            Enclosure::Absent => 6,
            Enclosure::Enclosed => 7,
        },
        8
    ));
    assert!(shapes.iter().any(|s| s.byline) && shapes.iter().any(|s| s.chinese_date));
    assert!(
        shapes
            .iter()
            .any(|s| s.joint_signature && matches!(s.header, Header::None))
    );
}

/// 纪要 attendance over generated lists: names apart by ideographic
/// spaces or by `，`, two to four characters, 3 to 24 of them. The twin
/// keeps the draft's line as it was, and the PDF breaks no name.
#[test]
fn minutes_attendance_keeps_its_separators_and_its_names_whole() {
    const SURNAMES: [&str; 8] = ["王", "李", "张", "陈", "赵", "孙", "欧阳", "韩"];
    const GIVEN: [&str; 6] = ["建平", "红", "国强", "卫国", "丽", "志勇"];
    let dir = scratch("import-minutes");
    let mut failures = Vec::new();
    for (case, count) in [3, 7, 12, 17, 24].into_iter().enumerate() {
        for separator in [IDEO, "，"] {
            let names: Vec<String> = (0..count)
                .map(|k| {
                    let n = k * 7 + case;
                    format!("{}{}", SURNAMES[n % 8], GIVEN[(n / 8 + k) % 6])
                })
                .collect();
            let attendees = format!("出席：{}", names.join(separator));
            let observers = format!("列席：{}", names[..count.min(4)].join(separator));
            let text = format!(
                "某某县人民政府常务会议纪要\n\n〔2024〕{case}号\n\n某某县人民政府办公室{IDEO}{IDEO}{IDEO}2024年6月20日\n\n\
                 县政府第{case}次常务会议纪要\n\n{IDEO}{IDEO}会议研究了防汛工作。\n\n{attendees}\n\n{observers}\n\n\
                 抄送：县委办公室。\n\n某某县人民政府办公室{IDEO}{IDEO}{IDEO}2024年6月20日印发\n"
            );
            let name = format!(
                "m{case}-{}",
                if separator == IDEO { "space" } else { "comma" }
            );
            let draft = dir.join(format!("{name}.txt"));
            std::fs::write(&draft, &text).unwrap();
            let out = dir.join(&name);
            import(&draft, &out);
            let built = notice(&[
                "build",
                "--no-system-fonts",
                "--format",
                "pdf,txt",
                out.join("plan.toml").to_str().unwrap(),
            ]);
            assert!(
                built.status.success(),
                "{}",
                String::from_utf8_lossy(&built.stderr)
            );
            let twin = std::fs::read_to_string(out.join("plan.txt")).unwrap();
            for wanted in [&attendees, &observers] {
                if !twin
                    .lines()
                    .any(|l| l.trim_start_matches(IDEO) == wanted.as_str())
                {
                    failures.push(format!("{name}: the twin has no line “{wanted}”:\n{twin}"));
                }
            }
            let pdf = support::pdf::Pdf::parse(&std::fs::read(out.join("plan.pdf")).unwrap());
            let (problems, seen) = support::measure::attendance_problems(&pdf, &twin);
            if seen != 2 || !problems.is_empty() {
                failures.push(format!("{name}: {seen} attendance lines, {problems:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same 80 drafts as Word files (LibreOffice turns each text line into
/// a paragraph, padding and all): each imports to the plan, body and
/// attachments its text draft gives.
#[test]
fn every_shape_of_draft_reads_the_same_from_word() {
    let dir = scratch("import-shapes-word");
    let shapes = shapes();
    let mut texts = Vec::new();
    for (n, shape) in shapes.iter().enumerate() {
        let d = draft(n, shape);
        let path = dir.join(format!("{}.txt", d.name));
        std::fs::write(&path, &d.text).unwrap();
        texts.push((d.name, path));
    }
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("lo-profile").display()
    );
    let converted = std::process::Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--infilter=Text (encoded):UTF8,LF,,,",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
        ])
        .arg(&dir)
        .args(texts.iter().map(|(_, p)| p))
        .output()
        .unwrap_or_else(|e| {
            panic!("LibreOffice makes the Word drafts: install libreoffice-writer-nogui ({e})")
        });
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let read = |out: &std::path::Path| -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                // The header comment names the draft's file.
                let text: String = text
                    .lines()
                    .filter(|l| !l.starts_with('#') || l.starts_with("##"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                (p.file_name().unwrap().to_string_lossy().into_owned(), text)
            })
            .collect();
        files.sort();
        files
    };
    let mut failures = Vec::new();
    for (name, text_path) in &texts {
        let word = dir.join(format!("{name}.docx"));
        let (from_text, from_word) = (
            dir.join(format!("{name}-text")),
            dir.join(format!("{name}-word")),
        );
        for (draft, out) in [(text_path, &from_text), (&word, &from_word)] {
            import(draft, out);
        }
        let (a, b) = (read(&from_text), read(&from_word));
        if a != b {
            failures.push(format!(
                "{name}:\n--- from text\n{a:#?}\n--- from Word\n{b:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Word drafts differ from their text:\n{}",
        failures.len(),
        texts.len(),
        failures.join("\n")
    );
}

/// Lines after the 版记's 印发 line (a reprint's own remarks) are kept at
/// the end of the body with a note, and the 版记 keeps its own lines.
#[test]
fn lines_after_the_imprint_are_kept_in_the_body_with_a_note() {
    let dir = scratch("import-after-imprint");
    for (n, shape) in shapes()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.record)
        .take(12)
    {
        let d = draft(n, shape);
        let path = dir.join(format!("{}.txt", d.name));
        let extra = [
            "联系人：王某某，电话：0825-1234567。",
            "请各单位于月底前反馈。",
        ];
        std::fs::write(&path, format!("{}\n{}\n{}\n", d.text, extra[0], extra[1])).unwrap();
        let out = dir.join(&d.name);
        let notes = import(&path, &out);
        assert!(
            notes.contains("text after the 版记's 印发 line"),
            "{}: {notes}",
            d.name
        );
        let plan = std::fs::read_to_string(out.join("plan.toml")).unwrap();
        assert!(
            plan.contains("cc = \"市委办公室，市人大常委会办公室\"")
                && plan.contains("printed_by = "),
            "{}: {plan}",
            d.name
        );
        let body = std::fs::read_to_string(out.join("body.md")).unwrap();
        for line in extra {
            assert!(
                body.contains(line),
                "{}: {line} is not in the body:\n{body}",
                d.name
            );
        }
    }
}

/// A sentence after the 署名 and date with no label and no title is not an
/// attachment: it ends the body, with a note (before: an attachment with
/// an empty title, unlisted, and no note).
#[test]
fn a_stray_line_after_the_closing_is_body_text_with_a_note() {
    let dir = scratch("import-stray-line");
    let mut seen = 0;
    for (n, shape) in shapes().iter().enumerate() {
        if !matches!(shape.enclosure, Enclosure::None) || shape.record {
            continue;
        }
        seen += 1;
        let d = draft(n, shape);
        let path = dir.join(format!("{}.txt", d.name));
        std::fs::write(&path, format!("{}\n此件发至乡镇。\n", d.text)).unwrap();
        let out = dir.join(&d.name);
        let notes = import(&path, &out);
        assert!(notes.contains("not an attachment"), "{}: {notes}", d.name);
        let plan = std::fs::read_to_string(out.join("plan.toml")).unwrap();
        assert!(!plan.contains("[[attachments]]"), "{}: {plan}", d.name);
        let body = std::fs::read_to_string(out.join("body.md")).unwrap();
        assert!(
            body.trim_end().ends_with("此件发至乡镇。"),
            "{}: {body}",
            d.name
        );
    }
    assert!(seen >= 3, "{seen} drafts");
}

/// An attachment the 附件说明 lists and the draft lacks is noted on the
/// 附件说明's own line, wherever that line is (before: "line 0").
#[test]
fn a_listed_attachment_the_draft_lacks_is_noted_on_the_list_line() {
    let dir = scratch("import-listed-missing");
    for (before, lead) in [(0, ""), (2, "某某县人民政府文件\n某府发〔2024〕3号\n")] {
        let path = dir.join(format!("lead{before}.txt"));
        let text = format!(
            "{lead}关于印发防汛工作方案的通知\n各乡镇人民政府：\n现将《防汛工作方案》印发给你们，请认真贯彻执行。\n附件：1.防汛工作方案\n      2.值班安排表\n某某县人民政府\n2024年5月20日\n"
        );
        std::fs::write(&path, text).unwrap();
        let notes = import(&path, &dir.join(format!("out{before}")));
        let list_line = before + 4;
        for title in ["防汛工作方案", "值班安排表"] {
            assert!(
                notes.contains(&format!("line {list_line}: the 附件说明 lists “{title}”")),
                "{title} on line {list_line}: {notes}"
            );
        }
    }
}

/// Lines of a list of labelled lines (`一等奖：…`, `联系人：…`) are
/// paragraphs of their own, in a draft with hard wraps or without, and a
/// section's number (`2.3 职责`) opens a line of its own.
#[test]
fn labelled_list_lines_and_section_numbers_are_not_joined_as_wraps() {
    let dir = scratch("import-labelled-lists");
    let lists = [
        [
            "一等奖：某某县应急管理局、某某县水利局",
            "二等奖：某某县自然资源局",
            "三等奖：某某县教育局、某某县卫健委",
        ],
        [
            "联系人：王建华",
            "联系电话：0595-85123456",
            "电子邮箱：abc@example.cn",
        ],
        ["2.1 指挥机构职责", "2.2 办事机构职责", "2.3 成员单位职责"],
    ];
    for (n, list) in lists.iter().enumerate() {
        for wrapped in [false, true] {
            let lead = if wrapped {
                // A hard-wrapped paragraph before the list: its lines join.
                "经研究，决定对以下单位和个人予以表彰，各单位要认真\n学习先进经验，名单如下"
            } else {
                "经研究，决定对以下单位和个人予以表彰，名单如下"
            };
            let text = format!(
                "关于表彰先进的通报\n各单位：\n{lead}\n{}\n希望受表彰的单位再接再厉。\n某某县人民政府\n2024年5月20日\n",
                list.join("\n")
            );
            let path = dir.join(format!("l{n}{wrapped}.txt"));
            std::fs::write(&path, text).unwrap();
            let out = dir.join(format!("l{n}{wrapped}"));
            import(&path, &out);
            let body = std::fs::read_to_string(out.join("body.md")).unwrap();
            let paragraphs: Vec<&str> = body.split("\n\n").map(str::trim).collect();
            for item in list {
                assert!(
                    paragraphs.iter().any(|p| p.ends_with(item)),
                    "“{item}” is not a paragraph of its own:\n{body}"
                );
            }
            assert!(paragraphs.contains(&"希望受表彰的单位再接再厉。"), "{body}");
            if wrapped {
                assert!(
                    body.contains("要认真学习先进经验"),
                    "the wrap is joined: {body}"
                );
            }
        }
    }
}

/// A blank line ends a paragraph, even one whose last line has no full
/// stop, unless the draft sets a blank line after nearly every line (a web
/// copy's double spacing, whose hard wraps are still joined).
#[test]
fn no_hard_wrap_is_joined_across_a_blank_line() {
    let dir = scratch("import-blank-lines");
    let single = "关于做好防汛工作的通知\n各乡镇人民政府：\n为做好今年防汛工作，现将有关事项通知如下，请认真贯彻执行\n\n各单位要高度重视，确保各项工作落到实处。\n某某县应急管理局\n2024年5月20日\n";
    let path = dir.join("single.txt");
    std::fs::write(&path, single).unwrap();
    import(&path, &dir.join("single"));
    let body = std::fs::read_to_string(dir.join("single/body.md")).unwrap();
    assert!(
        body.contains("请认真贯彻执行\n\n各单位要高度重视"),
        "two paragraphs: {body}"
    );
    // Double spaced: the wrap inside the first paragraph is joined.
    let double = "关于做好防汛工作的通知\n\n各乡镇人民政府：\n\n为做好今年防汛工作，现将有关事项通\n\n知如下，请认真贯彻执行。\n\n各单位要高度重视，确保各项工作落到实处。\n\n某某县应急管理局\n\n2024年5月20日\n";
    let path = dir.join("double.txt");
    std::fs::write(&path, double).unwrap();
    import(&path, &dir.join("double"));
    let body = std::fs::read_to_string(dir.join("double/body.md")).unwrap();
    assert!(body.contains("现将有关事项通知如下"), "joined: {body}");
}

/// A 批复's numbered items (`一、同意…，…。` each followed by the next, or
/// running on into more sentences) are numbered paragraphs in the body's
/// face; first-level headings with text under them stay headings.
#[test]
fn numbered_sentence_items_are_paragraphs_and_headings_with_text_stay() {
    let dir = scratch("import-numbered-items");
    let items = [
        "同意撤销监利县，设立县级监利市。",
        "新设立的监利市，人民政府驻容城镇。",
        "所需人员编制由你省自行解决。",
        "请你省认真组织实施，确保平稳过渡。",
    ];
    let numbers = ["一、", "二、", "三、", "四、"];
    for k in 2..=4 {
        for (under, run_in) in [(false, false), (true, false), (false, true)] {
            let mut body = String::from("你省的请示收悉。现批复如下：\n");
            for (number, item) in numbers.iter().zip(&items).take(k) {
                // Run in: more sentences of the item on its line.
                let more = if run_in {
                    "具体事项由你省确定。"
                } else {
                    ""
                };
                body.push_str(&format!("{number}{item}{more}\n"));
                if under {
                    body.push_str("各单位要高度重视，确保各项工作落到实处。\n");
                }
            }
            let text = format!(
                "国务院关于同意某省撤县设市的批复\n某省人民政府：\n{body}国务院\n2020年6月2日\n"
            );
            let path = dir.join(format!("items{k}{under}{run_in}.txt"));
            std::fs::write(&path, text).unwrap();
            let out = dir.join(format!("items{k}{under}{run_in}"));
            import(&path, &out);
            let md = std::fs::read_to_string(out.join("body.md")).unwrap();
            for (number, item) in numbers.iter().zip(&items).take(k) {
                let line = format!("{number}{item}");
                let as_heading = md.lines().any(|l| l.starts_with('#') && l.contains(&line));
                assert_eq!(
                    as_heading,
                    under,
                    "“{line}” {} a heading:\n{md}",
                    if under { "is" } else { "is not" }
                );
                assert!(md.contains(&line), "{md}");
            }
        }
    }
}
