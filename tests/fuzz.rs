//! Property tests: random plans and Markdown never make notice panic.
//!
//! Parsing and the document model run on many cases; the whole in-memory
//! build (Typst layout and PDF) on fewer, bounding the time.

mod support;

use std::path::Path;

use notice::compose::{self, markdown};
use notice::diagnostic::SourceMap;
use notice::driver::{Job, Options};
use notice::model::Block;
use notice::writers::txt;
use notice::{lint, plan};
use proptest::prelude::*;

/// Text mixing Chinese, punctuation, markup characters and line breaks.
fn wild_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text_without_placeholders(),
        1 => (text_without_placeholders(), prop_oneof![Just("{{"), Just("}}"), Just("{{ x }}"), Just("{%"), Just("{#")], text_without_placeholders())
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

/// Like `wild_text`, without placeholder syntax (so most documents build).
fn text_without_placeholders() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("关于".to_string()),
            Just("安全生产".to_string()),
            Just("，".to_string()),
            Just("。".to_string()),
            Just("“".to_string()),
            Just("”".to_string()),
            Just("〔2020〕".to_string()),
            Just("#".to_string()),
            Just("$".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("<b>".to_string()),
            Just("@ref".to_string()),
            Just("\\".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("一、".to_string()),
            Just("（一）".to_string()),
            Just("1.".to_string()),
            Just("\u{4DB6}".to_string()),
            Just("𪚥".to_string()),
            "[a-z0-9 ]{0,6}",
            any::<char>()
                .prop_filter("no braces", |c| *c != '{' && *c != '}')
                .prop_map(|c| c.to_string()),
        ],
        0..24,
    );
    pieces.prop_map(|p| p.concat())
}

/// Markdown with headings, lists, tables and emphasis around wild text.
fn markdown_text() -> impl Strategy<Value = String> {
    markdown_of(wild_text().boxed())
}

fn markdown_of(text: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop_oneof![
                Just(""),
                Just("# "),
                Just("## "),
                Just("### "),
                Just("#### "),
                Just("##### "),
                Just("1. "),
                Just("- "),
                Just("> "),
                Just("| a | b |\n|---|---|\n| "),
                Just("*"),
                Just("**"),
                Just("```\n"),
            ],
            text,
        ),
        0..12,
    )
    .prop_map(|blocks| {
        blocks
            .into_iter()
            .map(|(mark, text)| format!("{mark}{text}\n\n"))
            .collect()
    })
}

/// A TOML plan with random keys (known and unknown) and random values.
fn plan_text() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("title"),
        Just("issuer"),
        Just("number"),
        Just("to"),
        Just("body"),
        Just("date"),
        Just("printed_on"),
        Just("cc"),
        Just("note"),
        Just("signers"),
        Just("secrecy"),
        Just("secrecy_period"),
        Just("urgency"),
        Just("format"),
        Just("mark"),
        Just("titel"),
        Just("seal"),
        Just("body_file"),
    ];
    let value = prop_oneof![
        wild_text().prop_map(|t| toml::Value::String(t).to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("2020-03-27".to_string()),
        Just("2021-02-29".to_string()),
        Just("\"2020年3月27日\"".to_string()),
        prop::collection::vec(wild_text(), 0..3).prop_map(|v| toml::Value::Array(
            v.into_iter().map(toml::Value::String).collect()
        )
        .to_string()),
        Just("true".to_string()),
        Just("{ a = 1 }".to_string()),
        "[^\\n]{0,12}",
    ];
    let line = (key, value).prop_map(|(k, v)| format!("{k} = {v}\n"));
    let attachments = prop::collection::vec(
        (wild_text(), markdown_text(), any::<bool>(), any::<bool>()).prop_map(|(title, body, landscape, listed)| {
            format!(
                "\n[[attachments]]\ntitle = {}\nbody = {}\nlandscape = {landscape}\nlisted = {listed}\n",
                toml::Value::String(title),
                toml::Value::String(body)
            )
        }),
        0..3,
    );
    (
        prop::collection::vec(line, 0..10),
        attachments,
        prop::option::of("[^\\n]{0,20}"),
    )
        .prop_map(|(lines, attachments, junk)| {
            format!(
                "{}{}{}",
                lines.concat(),
                attachments.concat(),
                junk.unwrap_or_default()
            )
        })
}

/// Parses, builds the model, runs the checks and the text renderer.
fn model_pipeline(path: &Path, bytes: Vec<u8>) {
    let mut sources = SourceMap::new();
    let Ok(loaded) = plan::parse(path, bytes, &mut sources) else {
        return;
    };
    let settings = compose::Settings::default();
    if let Ok(composed) = compose::compose(&loaded, &settings, &mut sources, &mut Vec::new()) {
        let findings = lint::lint(&lint::Subject {
            loaded: &loaded,
            composed: &composed,
            fonts: &support::engine().fonts,
            today: plan::today(),
        });
        for d in findings {
            let _ = d.render(&sources, false);
        }
        let _ = txt::render(&composed.document);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_markdown_gives_numbered_headings_of_four_levels(md in markdown_text()) {
        let body = markdown::parse(&md, &[]);
        for block in &body.blocks {
            let heading = match block {
                Block::Heading(h) => h,
                Block::Paragraph { lead: Some(h), .. } => h,
                _ => continue,
            };
            prop_assert!((1..=4).contains(&heading.level), "{heading:?}");
            prop_assert!(!heading.number.is_empty(), "{heading:?}");
        }
        for note in &body.notes {
            prop_assert!(note.span.end <= md.len() && md.is_char_boundary(note.span.start));
        }
    }

    #[test]
    fn random_toml_plans_never_panic(plan in plan_text()) {
        model_pipeline(Path::new("/nonexistent/plan.toml"), plan.into_bytes());
    }

    #[test]
    fn random_front_matter_plans_never_panic(plan in plan_text(), md in markdown_text(), close in any::<bool>()) {
        let text = format!("+++\n{plan}{}{md}", if close { "+++\n" } else { "" });
        model_pipeline(Path::new("/nonexistent/notice.md"), text.into_bytes());
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        model_pipeline(Path::new("/nonexistent/plan.toml"), bytes.clone());
        model_pipeline(Path::new("/nonexistent/notice.md"), bytes);
    }
}

proptest! {
    // The whole build with Typst: fewer cases, each a full layout.
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_documents_lay_out_without_panicking(
        title in text_without_placeholders(),
        md in markdown_of(text_without_placeholders().boxed()),
        to in text_without_placeholders(),
        attachment in markdown_of(text_without_placeholders().boxed()),
    ) {
        let dir = std::env::temp_dir().join(format!("notice-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("body.md"), &md).unwrap();
        let plan = format!(
            "title = {}\nissuer = [\"甲局\", \"乙局\"]\nto = {}\nbody_file = \"body.md\"\ndate = 2024-01-02\ncc = \"某单位\"\nprinted_by = \"某办\"\n[[attachments]]\ntitle = \"附件\"\nbody = {}\nlandscape = true\n",
            toml::Value::String(title),
            toml::Value::String(to),
            toml::Value::String(attachment)
        );
        std::fs::write(dir.join("plan.toml"), plan).unwrap();
        let job = Job::for_plan(&dir.join("plan.toml"), None);
        // In memory, through the engine every front end uses.
        let (outcome, made) = support::engine().render(&job, &Options::default());
        // Without placeholders every such plan builds.
        prop_assert!(!outcome.failed(), "{:?}", outcome.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
        let made = made.unwrap();
        let pdf = &made.files.iter().find(|(p, _)| p.ends_with("plan.pdf")).unwrap().1;
        prop_assert!(pdf.starts_with(b"%PDF"));
        prop_assert!(outcome.pages >= 2);
        prop_assert!(!dir.join("plan.pdf").exists(), "render wrote a file");
    }
}

// ------------------------------------------------- hostile inputs, bounded

/// Placeholder text: literal text with tags, operators and filters mixed in.
fn placeholder_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{ s }}".to_string()),
        Just("{{ s ~ s }}".to_string()),
        Just("{{ s * 3 }}".to_string()),
        Just("{% for i in range(1000) %}{{ s }}{% endfor %}".to_string()),
        Just("{% if s %}是{% else %}否{% endif %}".to_string()),
        Just("{% set s = s ~ s %}".to_string()),
        Just("{{ s | upper | join(\"、\") }}".to_string()),
        Just("{{ s | indent(100000) }}".to_string()),
        Just("{{ range(100000) | join(s) }}".to_string()),
        Just("{{".to_string()),
        Just("{%".to_string()),
        Just("}}".to_string()),
        "[一-龥a-z\\*#\\n ]{0,8}",
    ];
    prop::collection::vec(piece, 0..8).prop_map(|p| p.concat())
}

fn csv_text() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        Just(String::new()),
        "[一-龥a-z0-9 ]{0,6}",
        Just("\"引,号\"".to_string()),
        Just("\"未闭合".to_string()),
        Just("a\"b".to_string()),
    ];
    let row = prop::collection::vec(cell, 1..5).prop_map(|c| c.join(","));
    (prop::collection::vec(row, 0..8), prop::bool::ANY)
        .prop_map(|(rows, crlf)| rows.join(if crlf { "\r\n" } else { "\n" }))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn placeholders_end_quickly_and_point_inside_their_text(text in placeholder_text()) {
        let overrides = [("s".to_string(), "字".repeat(2000))].into_iter().collect();
        let p = compose::placeholders::Placeholders::new(Vec::new(), &overrides);
        let started = std::time::Instant::now();
        match p.fill(&text) {
            Ok(filled) => {
                prop_assert!(filled.text().len() <= notice::limits::BODY_BYTES as usize + text.len());
            }
            Err(e) => prop_assert!(e.span.end <= text.len() && e.span.start <= e.span.end, "{e:?}"),
        }
        prop_assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn csv_files_give_rows_or_problems_inside_the_text(text in csv_text()) {
        match compose::csv::read(&text) {
            Ok(data) => {
                for row in data.rows.iter().chain(&data.ragged) {
                    prop_assert!(row.span.end <= text.len());
                    for at in row.offsets.iter().flatten() {
                        prop_assert!(*at < text.len());
                    }
                }
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert!(p.span.end <= text.len());
                }
            }
        }
    }

    #[test]
    fn images_are_checked_without_panicking(
        kind in 0..3u8,
        width in 0u32..100_000,
        height in 0u32..100_000,
        tail in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = match kind {
            0 => b"\x89PNG\r\n\x1a\n".to_vec(),
            1 => format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\">").into_bytes(),
            _ => Vec::new(),
        };
        if kind == 0 {
            bytes.extend_from_slice(&13u32.to_be_bytes());
            bytes.extend_from_slice(b"IHDR");
            bytes.extend_from_slice(&width.to_be_bytes());
            bytes.extend_from_slice(&height.to_be_bytes());
        }
        bytes.extend(tail);
        let started = std::time::Instant::now();
        let _ = compose::images::check(&bytes);
        prop_assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}

#[cfg(unix)]
proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn folder_trees_with_links_are_scanned_once_each(
        entries in prop::collection::vec((0..4usize, 0..5u8), 1..12),
    ) {
        use std::os::unix::fs::symlink;
        let root = std::env::temp_dir().join(format!("notice-fuzz-tree-{}-{}", std::process::id(), rand_suffix()));
        let _ = std::fs::remove_dir_all(&root);
        let folders = ["", "a", "a/b", "c"];
        for f in folders {
            std::fs::create_dir_all(root.join(f)).unwrap();
        }
        let mut plans = std::collections::BTreeSet::new();
        for (i, (folder, kind)) in entries.iter().enumerate() {
            let dir = root.join(folders[*folder]);
            match kind {
                0 => {
                    let path = dir.join(format!("p{i}.toml"));
                    std::fs::write(&path, "title = \"x\"\nbody = \"y\"\n").unwrap();
                    plans.insert(path.canonicalize().unwrap());
                }
                1 => { let _ = symlink("..", dir.join(format!("up{i}"))); }
                2 => { let _ = symlink(".", dir.join(format!("self{i}"))); }
                3 => { let _ = symlink(root.join("a"), dir.join(format!("to-a{i}"))); }
                _ => { let _ = symlink("/nonexistent", dir.join(format!("dead{i}.md"))); }
            }
        }
        let found = notice::driver::jobs::expand(std::slice::from_ref(&root));
        let real: std::collections::BTreeSet<_> = found.plans.iter().map(|f| f.plan.canonicalize().unwrap()).collect();
        prop_assert_eq!(real.len(), found.plans.len(), "a plan found twice");
        prop_assert_eq!(&real, &plans);
        let _ = std::fs::remove_dir_all(&root);
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

// ------------------------------------------------------ check --fix, generated

/// The text twin of the plan at `path`, if it composes without an error.
fn twin_of(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let mut sources = SourceMap::new();
    let loaded = plan::parse(path, bytes, &mut sources).ok()?;
    let composed = compose::compose(
        &loaded,
        &compose::Settings::default(),
        &mut sources,
        &mut Vec::new(),
    )
    .ok()?;
    Some(txt::render(&composed.document))
}

/// Chinese text with what `check --fix` repairs: half-width punctuation,
/// spaces between 汉字, straight quotes, full-width digits, and syntax it
/// must leave alone (placeholders, links, code).
fn damaged_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[通知如下各单位要高度重视认真落实]{1,8}",
            2 => prop::sample::select(&[",", ".", ":", ";", "(", ")", " ", "\"", "'", "１２", "，", "。"][..]).prop_map(str::to_string),
            1 => prop::sample::select(&["[链接](http://a.cn/x,y)", "`a, b`", "{{ 单位 }}", "2024年3月1日", "第1条"][..]).prop_map(str::to_string),
        ],
        1..12,
    )
    .prop_map(|parts| parts.concat())
}

/// 汉字 in order: what a fix must keep (it repairs punctuation and spaces).
fn han(text: &str) -> String {
    text.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Issue 23: a generated plan (TOML, or Markdown with front matter) that
    /// builds before `check --fix` builds after it, with the same words, and
    /// a second fix changes nothing.
    #[test]
    fn check_fix_keeps_generated_plans_building_with_their_words(
        title in damaged_text(),
        to in damaged_text(),
        md in markdown_of(damaged_text().boxed()),
        extra in plan_text(),
        front_matter in any::<bool>(),
        attachment in prop::option::of(markdown_of(damaged_text().boxed())),
    ) {
        // Most plans build: the keys every plan has, then random ones (a
        // repeated key is a TOML error, and such a plan is skipped).
        let mut plan = format!(
            "title = {}\nto = {}\ndate = 2024-01-02\n",
            toml::Value::String(title),
            toml::Value::String(to)
        );
        if !front_matter {
            plan.push_str(&format!("body = {}\n", toml::Value::String(md.clone())));
        }
        if extra.len() % 3 == 0 {
            plan.push_str(&extra);
        }
        if let Some(a) = attachment {
            plan.push_str(&format!("\n[[attachments]]\ntitle = \"实施方案\"\nbody = {}\n", toml::Value::String(a)));
        }
        let dir = std::env::temp_dir().join(format!("notice-fuzz-fix-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = if front_matter {
            let path = dir.join("notice.md");
            std::fs::write(&path, format!("+++\n{plan}\n+++\n{md}")).unwrap();
            path
        } else {
            let path = dir.join("plan.toml");
            std::fs::write(&path, &plan).unwrap();
            path
        };
        let Some(before) = twin_of(&path) else {
            let _ = std::fs::remove_dir_all(&dir);
            return Ok(());
        };
        let fixed = notice::lint::fix::fix_plan(&path);
        prop_assert!(fixed.is_ok(), "fix refused a plan that builds: {:?}", fixed.err().map(|f| f.0));
        let after = twin_of(&path);
        prop_assert!(after.is_some(), "the plan no longer builds after fix:\n{}", std::fs::read_to_string(&path).unwrap());
        prop_assert_eq!(han(&before), han(&after.unwrap()));
        let once = std::fs::read(&path).unwrap();
        let _ = notice::lint::fix::fix_plan(&path);
        prop_assert_eq!(once, std::fs::read(&path).unwrap(), "a second fix changed the plan");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
