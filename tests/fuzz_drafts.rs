//! Property tests over drafts (issues 19 and 23): random text, Markdown
//! and Word drafts, made of the lines real drafts hold and of noise, are
//! imported and built in memory through the engine. For every case:
//! - import and build end in bounded time and never panic;
//! - what import writes is bounded by what it read;
//! - a plan import writes builds;
//! - every Chinese character of the draft reaches the text twin, unless a
//!   note names its line as dropped or quotes it (Markdown drafts too).

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notice::diagnostic::{Severity, SourceMap};
use notice::driver::{Job, Options};
use notice::import;
use notice::writers::OutputFormat;
use proptest::prelude::*;

/// A debug build on a loaded 2-core machine; release runs a case in
/// milliseconds.
const CASE_BOUND: Duration = Duration::from_secs(5);

fn scratch_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    // One root for every test of this file, which run at once.
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let root = ROOT.get_or_init(|| support::scratch("fuzz-drafts"));
    let dir = root.join(N.fetch_add(1, Ordering::Relaxed).to_string());
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const TOPICS: &[&str] = &[
    "防汛抗旱",
    "安全生产大检查",
    "地质灾害防治",
    "秸秆禁烧",
    "森林防火",
];
const PADS: &[&str] = &[
    "",
    "\u{a0}\u{a0}\u{a0}",
    "\u{3000}\u{3000}",
    "\t\t",
    " \u{3000}\u{a0} ",
];

/// One line of a draft: the lines real drafts are made of, and noise.
fn line() -> impl Strategy<Value = String> {
    let topic = prop::sample::select(TOPICS);
    let pad = prop::sample::select(PADS);
    prop_oneof![
        3 => topic.clone().prop_map(|t| format!("关于做好{t}工作的通知")),
        1 => topic.clone().prop_map(|t| format!("关于印发《{t}工作方案》的通知")),
        1 => Just("某某县人民政府文件".to_string()),
        1 => Just("某政发〔2024〕12号".to_string()),
        1 => Just("签发人：张三　李四".to_string()),
        2 => Just("各乡镇人民政府，县直各单位：".to_string()),
        8 => (topic.clone(), 1..4usize).prop_map(|(t, n)| {
            "为切实做好今年{t}工作，确保人民群众生命财产安全，现将有关事项通知如下。"
                .replace("{t}", t)
                .repeat(n)
        }),
        2 => prop::sample::select(&["一、总体要求", "二、工作措施", "（一）加强组织领导。", "（二）强化值班值守", "1.落实责任。", "（1）及时报告"][..])
            .prop_map(str::to_string),
        2 => (topic.clone(), prop::sample::select(&["附件：", "附件：1.", "附件1", "附件2：", "附件", "2."][..]))
            .prop_map(|(t, l)| format!("{l}{t}工作方案")),
        1 => prop::sample::select(&["附件：", "附件1", "附件"][..]).prop_map(str::to_string),
        2 => pad.clone().prop_map(|p| format!("{p}某某县应急管理局{p}")),
        2 => (pad.clone(), prop::sample::select(&["2024年5月20日", "二〇二四年五月二十日", "２０２４年５月２０日"][..]))
            .prop_map(|(p, d)| format!("{p}{d}")),
        1 => Just("（此件公开发布）".to_string()),
        1 => Just("（联系人：王五，联系电话：12345678）".to_string()),
        1 => Just("抄送：县委办公室，县人大常委会办公室。".to_string()),
        1 => Just("某某县人民政府办公室　　　　2024年5月21日印发".to_string()),
        1 => prop::sample::select(&["发布日期：2024-05-20　来源：某某县人民政府网", "首页 > 政务公开 > 通知公告", "【打印本页】【关闭窗口】", "第 1 页 共 3 页", "- 2 -"][..])
            .prop_map(str::to_string),
        1 => Just("| 单位 | 人数 |".to_string()),
        // The 版头s and closings of other formats, and web copies' marks.
        1 => prop::sample::select(&[
            "机密★1年", "特急", "000123", "某某县人民政府令", "第 12 号", "某某县人民政府",
            "防汛工作会议纪要", "〔2024〕3号", "某某县人民政府办公室　　2024年5月20日",
            "出席：张三　李四　王五", "列席：县应急管理局，县水利局", "请假：赵六",
            "某某县人民政府办公室、某某县应急管理局关于做好防汛工作的通知",
            "关 于 做 好 防 汛 工 作 的 通 知", "（本文有删减）", "（一）加强值守，及时报告。",
            "县长　张三", "某某县人民政府&nbsp;&nbsp;某某县应急管理局",
        ][..]).prop_map(str::to_string),
        3 => noise(),
        3 => Just(String::new()),
    ]
}

/// Characters a pasted draft carries: markup of every language notice
/// reads, spaces of every width, half-width and compatibility forms,
/// controls and characters outside the fonts.
fn noise() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(&[
                "安全", "生产", "，", "。", "、", "“", "”", "（", "）", "{{", "}}", "{% if %}", "#", "*",
                "`", "|", "[链接](x)", "<b>", "\\", "$", "@", " ", "\u{a0}", "\u{3000}", "\u{200b}",
                "\u{feff}", "\t", "｡", "､", "ﬁ", "１２", "Ａ", "𪚥", "\u{202e}", "\u{7}", "\u{fffe}",
            ][..]).prop_map(str::to_string),
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..16,
    )
    .prop_map(|p| p.concat())
}

fn draft() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(line(), 1..40)
}

/// The characters whose count the twin must keep: 汉字 other than the
/// numerals a Chinese date is rewritten from (punctuation and full-width
/// forms are repaired, compatibility ideographs printed as their form).
fn counted(text: &str) -> HashMap<char, usize> {
    let mut counts = HashMap::new();
    for c in text.chars() {
        // The unified ideographs' blocks (a code point between them, such
        // as the noncharacter U+2FFFE, is not a 汉字).
        let han = matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{20000}'..='\u{2ebef}' | '\u{30000}'..='\u{3134f}');
        if han && !"〇零一二三四五六七八九十".contains(c) {
            *counts.entry(c).or_default() += 1;
        }
    }
    counts
}

/// The text twin and messages of a build in memory.
fn render(plan: &Path) -> (Option<String>, Vec<String>) {
    let job = Job::for_plan(plan, None);
    let options = Options {
        formats: vec![OutputFormat::Txt],
        force: true,
        ..Options::default()
    };
    let (outcome, made) = support::engine().render(&job, &options);
    let messages = outcome
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    let twin = made.and_then(|m| {
        m.files
            .into_iter()
            .find(|(p, _)| p.extension().is_some_and(|e| e == "txt"))
            .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
    });
    (twin, messages)
}

/// Imports the draft at `path`, writes the plan, builds it, and checks
/// every property; `lines` are the draft's lines as the notes count them.
fn import_and_build(path: &Path, lines: &[String], read_bytes: usize) -> Result<(), TestCaseError> {
    import_and_build_keeping(path, lines, read_bytes, true)
}

fn import_and_build_keeping(
    path: &Path,
    lines: &[String],
    read_bytes: usize,
    words: bool,
) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let mut sources = SourceMap::new();
    let imported = match import::import(path, &mut sources) {
        Ok(imported) => imported,
        Err(failed) => {
            // Refused: each refusal says what and is an error, not a panic.
            prop_assert!(
                started.elapsed() < CASE_BOUND,
                "import refused after {:?}",
                started.elapsed()
            );
            for d in &failed.0 {
                prop_assert!(
                    d.severity == Severity::Error && !d.message.is_empty(),
                    "{d:?}"
                );
            }
            return Ok(());
        }
    };
    let notes: Vec<String> = imported.notes.iter().map(|d| d.message.clone()).collect();
    // The safety net keeps what recognition lost; on the shapes generated
    // here, recognition itself must place every line.
    if words {
        prop_assert!(
            !notes
                .iter()
                .any(|n| n.contains("could not tell which element")),
            "recognition lost a line the safety net kept: {notes:#?}"
        );
    }
    let files = imported.files();
    let written: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    prop_assert!(
        written <= 3 * read_bytes + 4096,
        "import read {read_bytes} bytes and wrote {written}"
    );
    let out = path.with_extension("plan");
    std::fs::create_dir_all(&out).unwrap();
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes).unwrap();
    }
    let (twin, messages) = render(&out.join("plan.toml"));
    prop_assert!(
        started.elapsed() < CASE_BOUND,
        "import and build took {:?}",
        started.elapsed()
    );
    let plan = String::from_utf8_lossy(&files[0].1).into_owned();
    let Some(twin) = twin else {
        return Err(TestCaseError::fail(format!(
            "the imported plan does not build: {messages:#?}\n--- plan\n{plan}"
        )));
    };

    if !words {
        return Ok(());
    }
    let dropped = support::dropped_lines(notes.iter().map(String::as_str));
    let mut kept = String::new();
    for (i, line) in lines.iter().enumerate() {
        if !dropped.contains(&(i + 1)) {
            kept.push_str(line);
        }
    }
    // What a note quotes (“…”) it names: a listed title it replaced, say.
    let mut printed = counted(&twin);
    for note in &notes {
        for quoted in note.split('“').skip(1).filter_map(|q| q.split('”').next()) {
            for (c, n) in counted(quoted) {
                *printed.entry(c).or_default() += n;
            }
        }
    }
    let mut lost = Vec::new();
    for (c, n) in counted(&kept) {
        let m = printed.get(&c).copied().unwrap_or(0);
        if m < n {
            lost.push(format!("{c} ×{}", n - m));
        }
    }
    prop_assert!(
        lost.is_empty(),
        "lost from the twin: {}\n--- notes\n{}\n--- plan\n{plan}\n--- twin\n{twin}",
        lost.join(" "),
        notes.join("\n")
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn text_drafts_import_build_and_keep_their_words(
        lines in draft(),
        ending in prop::sample::select(&["\n", "\r\n", "\r"][..]),
        markdown in any::<bool>(),
    ) {
        let dir = scratch_dir();
        let path = dir.join(if markdown { "draft.md" } else { "draft.txt" });
        let text = lines.join(ending);
        std::fs::write(&path, &text).unwrap();
        // The lines as the draft has them (noise may hold line breaks);
        // Markdown's notes number its source lines too.
        let lines: Vec<String> = text
            .replace("\r\n", "\n")
            .split(['\n', '\r'])
            .map(str::to_string)
            .collect();
        import_and_build(&path, &lines, text.len())?;
    }

    #[test]
    fn random_bytes_as_drafts_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2000),
        kind in prop::sample::select(&["txt", "md", "docx"][..]),
    ) {
        let path = scratch_dir().join(format!("draft.{kind}"));
        std::fs::write(&path, &bytes).unwrap();
        let started = Instant::now();
        let _ = import::import(&path, &mut SourceMap::new());
        let _ = render(&path);
        prop_assert!(started.elapsed() < CASE_BOUND);
    }
}

/// A Word paragraph of `text`, its runs split at `cut`, wrapped `depth`
/// times in content controls and links, aligned as `jc`.
fn word_paragraph(text: &str, cut: usize, depth: usize, jc: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let chars: Vec<char> = text
        .chars()
        // XML 1.0 cannot carry most controls or U+FFFE.
        .filter(|c| !c.is_control() || *c == '\t')
        .filter(|c| !matches!(c, '\u{fffe}' | '\u{ffff}'))
        .collect();
    let cut = cut.min(chars.len());
    let first: String = chars[..cut].iter().collect();
    let second: String = chars[cut..].iter().collect();
    let mut runs = format!(
        "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(&first),
        escape(&second)
    );
    for level in 0..depth {
        runs = if level % 2 == 0 {
            format!("<w:sdt><w:sdtContent>{runs}</w:sdtContent></w:sdt>")
        } else {
            format!("<w:hyperlink>{runs}</w:hyperlink>")
        };
    }
    let props = if jc.is_empty() {
        String::new()
    } else {
        format!("<w:pPr><w:jc w:val=\"{jc}\"/></w:pPr>")
    };
    format!("<w:p>{props}{runs}</w:p>")
}

fn word_file(path: &Path, body: &str) {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    zip.start_file("word/document.xml", options).unwrap();
    write!(zip, "<w:document {w}><w:body>{body}</w:body></w:document>").unwrap();
    zip.finish().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn word_drafts_import_build_and_keep_their_words(
        paragraphs in prop::collection::vec(
            (line(), 0..30usize, prop_oneof![60 => 0..4usize, 1 => 120..160usize], prop::sample::select(&["", "center", "right", "both"][..])),
            1..30,
        ),
        table in prop::option::of((1..6usize, 1..5usize, 1..4u32)),
    ) {
        let dir = scratch_dir();
        let path = dir.join("draft.docx");
        let mut body = String::new();
        let mut lines = Vec::new();
        for (i, (text, cut, depth, jc)) in paragraphs.iter().enumerate() {
            body.push_str(&word_paragraph(text, *cut, *depth, jc));
            lines.push(text.clone());
            // The table last: the notes count its cells as paragraphs.
            if i + 1 == paragraphs.len() && let Some((rows, cols, span)) = table {
                let cell = |r: usize, c: usize| format!(
                    "<w:tc><w:tcPr><w:gridSpan w:val=\"{}\"/></w:tcPr>{}</w:tc>",
                    if c == 0 { span } else { 1 },
                    word_paragraph(&format!("第{r}行第{c}列"), 1, 0, "")
                );
                body.push_str("<w:tbl>");
                for r in 0..rows {
                    body.push_str("<w:tr>");
                    for c in 0..cols {
                        body.push_str(&cell(r, c));
                    }
                    body.push_str("</w:tr>");
                }
                body.push_str("</w:tbl>");
            }
        }
        word_file(&path, &body);
        let deep = paragraphs.iter().any(|p| p.2 >= 120);
        let started = Instant::now();
        let mut sources = SourceMap::new();
        let read = match import::import(&path, &mut sources) {
            Err(failed) => {
                // A draft nested past the limit is refused, and one with
                // nothing to print; no other.
                let message = failed.0.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("\n");
                let why = if deep { "nest more than" } else { "the draft has no" };
                prop_assert!(message.contains(why), "refused: {message}");
                false
            }
            Ok(_) => {
                prop_assert!(!deep, "a draft nested past the limit was read");
                import_and_build(&path, &lines, body.len())?;
                true
            }
        };
        // `notice build X.docx` takes the same draft, with the same limits.
        let (twin, messages) = render(&path);
        prop_assert_eq!(twin.is_some(), read, "{:#?}", messages);
        prop_assert!(started.elapsed() < 2 * CASE_BOUND, "{:?}", started.elapsed());
    }
}

/// The smallest drafts the words property found losing lines, kept as
/// fixed cases: each fails on the code before its fix.
#[test]
fn the_drafts_the_property_found_keep_their_words() {
    let drafts: &[(&str, &[&str])] = &[
        // Names before a 签发人 line, and a 签发人 line met twice.
        ("txt", &["某某县应急管理局", "签发人：张三\u{3000}李四"]),
        (
            "txt",
            &[
                "签发人：张三\u{3000}李四",
                "签发人：张三\u{3000}李四",
                "关于做好防汛抗旱工作的通知",
            ],
        ),
        // A 信函's 印发 and 签发人 lines.
        (
            "txt",
            &[
                "某某县应急管理局",
                "某政发〔2024〕12号",
                "某某县人民政府办公室\u{3000}\u{3000}2024年5月21日印发",
                "关于做好防汛抗旱工作的通知",
            ],
        ),
        (
            "txt",
            &[
                "签发人：张三\u{3000}李四",
                "某某县应急管理局",
                "某政发〔2024〕12号",
                "为切实做好今年防汛抗旱工作，现将有关事项通知如下。",
            ],
        ),
        // A byline and the title in one Markdown paragraph.
        (
            "md",
            &[
                "发布日期：2024-05-20\u{3000}来源：某某县人民政府网",
                "关于做好防汛抗旱工作的通知",
                "",
                "为切实做好今年防汛抗旱工作，现将有关事项通知如下。",
            ],
        ),
        // A code block inside a list item; a code span over lines.
        (
            "md",
            &[
                "- 2 -",
                "关于做好防汛抗旱工作的通知",
                "",
                "\t\t某某县应急管理局\t\t",
            ],
        ),
        (
            "md",
            &[
                "关于做好防汛抗旱工作的通知",
                "【打印本页】【关闭窗口】",
                "`",
                "[链接](x)`",
            ],
        ),
        // A 抄送 paragraph that holds the text.
        (
            "md",
            &[
                "\t\t某某县应急管理局\t\t",
                "抄送：县委办公室，县人大常委会办公室。",
                "为切实做好今年防汛抗旱工作，确保人民群众生命财产安全，现将有关事项通知如下。",
            ],
        ),
    ];
    for (kind, lines) in drafts {
        let path = scratch_dir().join(format!("draft.{kind}"));
        let text = lines.join("\n");
        std::fs::write(&path, &text).unwrap();
        let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        if let Err(e) = import_and_build(&path, &lines, text.len()) {
            panic!("{}: {e}", path.display());
        }
    }
    // A Word draft with one 发文字号 twice: the second is text.
    let path = scratch_dir().join("draft.docx");
    let number = "某政发〔2024〕12号";
    word_file(
        &path,
        &[number, number, "关于做好防汛抗旱工作的通知"]
            .map(|t| word_paragraph(t, 0, 0, ""))
            .concat(),
    );
    let lines = [number, number, "关于做好防汛抗旱工作的通知"].map(str::to_string);
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    if let Err(e) = import_and_build(&path, &lines, size) {
        panic!("{e}");
    }
}

/// A pasted web copy as one Markdown paragraph: its byline goes with a
/// note, and its mark, number, title, 主送, heading, paragraphs and closing
/// are each read as such (the heading not run into the line after it).
#[test]
fn a_web_copy_in_one_markdown_paragraph_keeps_its_structure() {
    let path = scratch_dir().join("draft.md");
    std::fs::write(
        &path,
        "某某县应急管理局文件\n某应急〔2024〕12号\n发布日期：2024-05-20　来源：某某县人民政府网\n关于做好防汛抗旱工作的通知\n各乡镇人民政府，县直各单位：\n为切实做好今年防汛抗旱工作，现将有关事项通知如下。\n一、加强组织领导\n各单位要落实责任，及时报告汛情。\n\n某某县应急管理局\n2024年5月20日\n",
    )
    .unwrap();
    let imported = import::import(&path, &mut SourceMap::new()).unwrap();
    let doc = &imported.doc;
    assert_eq!(doc.number.as_deref(), Some("某应急〔2024〕12号"));
    assert_eq!(doc.title.as_deref(), Some("关于做好防汛抗旱工作的通知"));
    assert_eq!(doc.to.as_deref(), Some("各乡镇人民政府，县直各单位"));
    assert_eq!(doc.signature, ["某某县应急管理局"]);
    assert_eq!(doc.date, Some((2024, 5, 20)));
    let files = imported.files();
    let body = String::from_utf8_lossy(&files.iter().find(|(n, _)| n == "body.md").unwrap().1)
        .into_owned();
    assert!(
        body.contains("\n# 一、加强组织领导\n\n各单位要落实责任"),
        "{body}"
    );
    let notes: Vec<&str> = imported.notes.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        support::dropped_lines(notes.iter().copied()),
        [3],
        "{notes:#?}"
    );
}
