//! Hostile input, round 2 (issue 23): file names, line ends, options and
//! `check --fix` on files it must not wreck. Each case runs bounded.

mod support;

use std::path::Path;
use std::time::Duration;

use support::*;

const DRAFT: &str = "关于做好防汛工作的通知\n各乡镇人民政府：\n为做好今年防汛工作，现将有关事项通知如下。\n某某县应急管理局\n2024年5月20日\n";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn bounded(args: &[&str]) -> Bounded {
    let run = notice_bounded(args, Duration::from_secs(10));
    assert!(!run.timed_out, "notice {args:?} ran past 10 s");
    assert!(
        run.code.is_some(),
        "notice {args:?} crashed:\n{}",
        run.stderr
    );
    assert!(
        run.peak_mb < 1024.0,
        "notice {args:?} took {} MB",
        run.peak_mb
    );
    run
}

#[test]
fn a_draft_file_name_is_data_in_the_plan() {
    let dir = scratch("name-injection");
    let name = "通知\nnumber = \"伪〔2024〕1号\"\nurgency = \"特急\"\n.txt";
    let draft = dir.join(name);
    std::fs::write(&draft, DRAFT).unwrap();
    let out = dir.join("plan");
    let run = bounded(&["import", s(&draft), "--out", s(&out)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let plan = std::fs::read_to_string(out.join("plan.toml")).unwrap();
    let parsed: toml::Table = plan.parse().unwrap();
    assert!(
        parsed.get("urgency").is_none(),
        "the name set a key:\n{plan}"
    );
    assert!(
        parsed.get("number").is_none(),
        "the name set a key:\n{plan}"
    );
    assert!(plan.lines().next().unwrap().contains("\\n"), "{plan}");
}

#[test]
fn a_draft_named_with_dots_only_writes_into_a_folder_of_its_own() {
    let dir = scratch("dots-draft");
    std::fs::write(dir.join("..txt"), DRAFT).unwrap();
    let run = bounded(&["import", s(&dir.join("..txt"))]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(dir.join("draft/plan.toml").is_file());
    assert!(!dir.join("plan.toml").exists());
    assert!(!dir.parent().unwrap().join("plan.toml").exists());
}

#[test]
fn a_draft_with_bare_carriage_returns_keeps_its_lines() {
    let dir = scratch("cr-draft");
    std::fs::write(dir.join("通知.txt"), DRAFT.replace('\n', "\r")).unwrap();
    let run = bounded(&["import", s(&dir.join("通知.txt"))]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let plan: toml::Table = std::fs::read_to_string(dir.join("通知/plan.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(plan["title"].as_str(), Some("关于做好防汛工作的通知"));
    assert_eq!(plan["date"].to_string(), "2024-05-20");
    assert!(
        plan["to"].to_string().contains("各乡镇人民政府"),
        "{plan:?}"
    );
}

#[test]
fn a_noncharacter_in_a_plan_is_dropped_with_a_warning_for_every_format() {
    let dir = scratch("noncharacter");
    let plan = dir.join("plan.toml");
    std::fs::write(
        &plan,
        "title = \"关于测试\u{FFFE}的通知\"\nbody = \"正文\u{FFFF}。\"\ndate = 2024-01-02\n",
    )
    .unwrap();
    let run = bounded(&[
        "build",
        "--no-system-fonts",
        "--format",
        "pdf,docx,txt",
        s(&plan),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // One of each in the plan, counted once (the title's words and lines
    // repeat its text).
    assert!(
        run.stderr.contains("U+FFFE ×1") && run.stderr.contains("U+FFFF ×1"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("internal"), "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    assert!(
        text.contains("关于测试的通知") && text.contains("正文。"),
        "{text}"
    );
}

#[test]
fn a_format_asked_twice_is_written_once() {
    let dir = scratch("format-twice");
    let plan = dir.join("plan.toml");
    std::fs::write(
        &plan,
        "title = \"关于测试的通知\"\nbody = \"正文。\"\ndate = 2024-01-02\n",
    )
    .unwrap();
    let run = bounded(&[
        "build",
        "--no-system-fonts",
        "--json",
        "--format",
        "pdf,pdf",
        s(&plan),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.matches("plan.pdf").count(), 1, "{}", run.stdout);
}

#[test]
fn merged_output_names_drop_direction_controls() {
    let dir = scratch("name-bidi");
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于{{ who }}的通知\"\nbody = \"正文。\"\ndate = 2024-01-02\n",
    )
    .unwrap();
    std::fs::write(dir.join("rows.csv"), "who\n甲\u{202E}fdp.exe\n").unwrap();
    let out = dir.join("out");
    let run = bounded(&[
        "build",
        "--no-system-fonts",
        s(&dir.join("plan.toml")),
        "--data",
        s(&dir.join("rows.csv")),
        "--name",
        "{{ who }}",
        "--out",
        s(&out),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| !n.contains('\u{202E}')), "{names:?}");
    // The clerk is told which character was replaced, and where.
    assert!(
        run.stderr.contains("U+202E") && run.stderr.contains("rows.csv:2"),
        "{}",
        run.stderr
    );
}

/// `check --fix` on a file, returning the file after it.
fn fix(dir: &Path, file: &str) -> (Bounded, String) {
    let path = dir.join(file);
    let run = bounded(&["check", "--fix", "--no-system-fonts", s(&path)]);
    (run, std::fs::read_to_string(&path).unwrap())
}

#[test]
fn check_fix_splits_front_matter_as_the_loader_does() {
    let dir = scratch("fix-front-matter");
    let plan = "+++ \ntitle = \"关于测试的通知\"\ndate = 2024-01-02\n+++\n正文,请遵照执行.\n";
    std::fs::write(dir.join("plan.md"), plan).unwrap();
    let (run, after) = fix(&dir, "plan.md");
    assert!(
        after.contains("title = \"关于测试的通知\""),
        "TOML was edited:\n{after}"
    );
    assert!(after.starts_with("+++ \n"), "{after}");
    assert!(
        after.contains("正文，请遵照执行"),
        "the body was not fixed:\n{after}\n{}",
        run.stderr
    );
    let built = bounded(&["build", "--no-system-fonts", s(&dir.join("plan.md"))]);
    assert_eq!(built.code, Some(0), "{}", built.stderr);
    let text = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    assert!(text.contains("关于测试的通知"), "{text}");
}

#[test]
fn check_fix_refuses_a_markdown_file_that_is_not_a_plan() {
    let dir = scratch("fix-not-a-plan");
    let notes = "# 会议记录\n\n今天讨论了\"预算\",结论如下.\n";
    std::fs::write(dir.join("notes.md"), notes).unwrap();
    let (run, after) = fix(&dir, "notes.md");
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("not a plan"), "{}", run.stderr);
    assert_eq!(after, notes);
}

#[test]
fn check_fix_leaves_placeholders_links_and_code_alone() {
    let dir = scratch("fix-markup");
    let plan = concat!(
        "issuer = \"{{ town | default(\\\"永和镇\\\") }}人民政府\"\n",
        "title = \"关于测试的通知\"\n",
        "date = 2024-01-02\n",
        "body = \"\"\"\n",
        "详见[通知](https://example.gov.cn/a(1).html).\n\n",
        "    code(\"x\")\n\n",
        "正文,请遵照执行.\n",
        "\"\"\"\n",
    );
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    let (_, after) = fix(&dir, "plan.toml");
    assert!(after.contains("default(\\\"永和镇\\\")"), "{after}");
    assert!(
        after.contains("[通知](https://example.gov.cn/a(1).html)."),
        "{after}"
    );
    assert!(after.contains("    code(\"x\")"), "{after}");
    assert!(after.contains("正文，请遵照执行"), "{after}");
}

#[cfg(unix)]
#[test]
fn check_fix_never_follows_a_body_file_out_of_the_folder() {
    let outside = scratch("fix-symlink-outside");
    let secret = outside.join("secret.md");
    std::fs::write(&secret, "外面的文件,不得修改.\n").unwrap();
    let dir = scratch("fix-symlink");
    std::os::unix::fs::symlink(&secret, dir.join("body.md")).unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于测试的通知\"\nbody_file = \"body.md\"\ndate = 2024-01-02\n",
    )
    .unwrap();
    fix(&dir, "plan.toml");
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "外面的文件,不得修改.\n"
    );
}

#[test]
fn half_width_punctuation_prints_as_the_full_width_mark() {
    let dir = scratch("half-width");
    let plan = dir.join("plan.toml");
    // Also a ligature, a Kangxi radical and a compatibility ideograph, as
    // copies from PDF files carry them.
    std::fs::write(
        &plan,
        "title = \"关于测试的通知\"\nbody = \"现将有关事项通知如下｡一是加强领导､二是落实责任｡三是开通Wiﬁ网络，⼀并检查\u{F91D}城。\"\ndate = 2024-01-02\n",
    )
    .unwrap();
    let built = build_plan(&plan);
    assert!(
        built.stderr.contains("lookalike-punctuation"),
        "{}",
        built.stderr
    );
    assert!(!built.stderr.contains("missing-glyph"), "{}", built.stderr);
    let line = built.pdf.find_line("现将有关事项");
    let printed: String = built
        .pdf
        .all_lines()
        .iter()
        .filter(|l| l.page == line.page)
        .map(|l| l.text())
        .collect();
    let expected = "通知如下。一是加强领导、二是落实责任。三是开通Wifi网络，一并检查欄城。";
    assert!(printed.contains(expected), "{printed}");
    assert!(built.text.contains(expected), "{}", built.text);
}

/// A Word file of `body` (the children of `w:body`), with `numbering` as
/// its word/numbering.xml when given.
fn word_file(path: &Path, body: &str, numbering: Option<&str>) {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    zip.start_file("word/document.xml", options).unwrap();
    write!(zip, "<w:document {w}><w:body>{body}</w:body></w:document>").unwrap();
    if let Some(numbering) = numbering {
        zip.start_file("word/numbering.xml", options).unwrap();
        write!(zip, "<w:numbering {w}>{numbering}</w:numbering>").unwrap();
    }
    zip.finish().unwrap();
}

fn paragraph(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

#[test]
fn deeply_nested_word_files_are_refused_and_the_batch_goes_on() {
    let dir = scratch("hostile-deep-word");
    let closing = paragraph("某某县应急管理局") + &paragraph("2024年5月20日");
    let sdt = format!(
        "{}{}{}{closing}",
        "<w:sdt><w:sdtContent>".repeat(5_000),
        paragraph("关于做好防汛工作的通知"),
        "</w:sdtContent></w:sdt>".repeat(5_000)
    );
    let links = format!(
        "<w:p>{}<w:r><w:t>关于做好防汛工作的通知</w:t></w:r>{}</w:p>{closing}",
        "<w:hyperlink>".repeat(30_000),
        "</w:hyperlink>".repeat(30_000)
    );
    std::fs::create_dir_all(dir.join("good")).unwrap();
    std::fs::write(dir.join("good/draft.txt"), DRAFT).unwrap();
    word_file(
        &dir.join("good/good.docx"),
        &format!(
            "{}{}{closing}",
            paragraph("关于做好防汛工作的通知"),
            paragraph("各乡镇人民政府：")
        ),
        None,
    );
    for (name, body) in [("sdt", &sdt), ("links", &links)] {
        let docx = dir.join(format!("{name}.docx"));
        word_file(&docx, body, None);
        for command in ["build", "check", "import"] {
            let out = dir.join(format!("{name}-{command}"));
            let mut args = vec![command, s(&docx)];
            if command == "import" {
                args.extend(["--out", s(&out)]);
            }
            let run = bounded(&args);
            assert_eq!(run.code, Some(1), "{command} {name}: {}", run.stderr);
            assert!(
                run.stderr.contains("nest more than 100 deep")
                    && run.stderr.contains(&format!("{name}.docx")),
                "{command} {name}: {}",
                run.stderr
            );
            assert!(!out.exists(), "{command} {name} wrote {}", out.display());
        }
        // In a batch the other drafts are still built.
        let run = bounded(&["build", s(&docx), s(&dir.join("good/good.docx"))]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(dir.join("good/good.pdf").exists(), "{}", run.stderr);
        std::fs::remove_file(dir.join("good/good.pdf")).unwrap();
    }
}

#[test]
fn word_files_that_unpack_to_huge_text_are_refused_in_bounded_time() {
    let dir = scratch("hostile-big-word");
    let head = paragraph("关于做好防汛工作的通知") + &paragraph("各乡镇人民政府：");
    let closing = paragraph("某某县应急管理局") + &paragraph("2024年5月20日");
    // Text past the body limit: 60,000 paragraphs of 90 bytes compress to
    // a few kilobytes.
    let long = paragraph("为做好今年防汛工作现将有关事项通知如下各单位要高度重视。");
    let big_body = format!("{head}{}{closing}", long.repeat(60_000));
    // A 100 KB numbering pattern used by 3,000 paragraphs.
    let pattern = "某".repeat(100_000 / 3);
    let numbering = format!(
        "<w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"{pattern}%1\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/></w:num>"
    );
    let numbered = "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>一项工作。</w:t></w:r></w:p>".repeat(3_000);
    // 20,000 rows of 20 cells, each spanning 64 columns.
    let cell = "<w:tc><w:tcPr><w:gridSpan w:val=\"64\"/></w:tcPr><w:p/></w:tc>";
    let row = format!(
        "<w:tr>{}<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>",
        cell.repeat(20)
    );
    let spans = format!("{head}<w:tbl>{}</w:tbl>{closing}", row.repeat(20_000));
    for (name, body, numbering, says) in [
        ("text", big_body, None, "more than the 4 MB a body may hold"),
        ("spans", spans, None, "cells"),
        (
            "numbers",
            format!("{head}{numbered}{closing}"),
            Some(numbering.as_str()),
            "",
        ),
    ] {
        let docx = dir.join(format!("{name}.docx"));
        word_file(&docx, &body, numbering);
        let size = std::fs::metadata(&docx).unwrap().len();
        for command in ["build", "import"] {
            let out = dir.join(format!("{name}-{command}"));
            let mut args = vec![command, s(&docx)];
            if command == "import" {
                args.extend(["--out", s(&out)]);
            }
            let run = bounded(&args);
            assert!(
                run.elapsed < Duration::from_secs(5),
                "{command} {name} ({size} bytes): {:?}",
                run.elapsed
            );
            assert!(
                run.peak_mb < 400.0,
                "{command} {name} ({size} bytes): {} MB",
                run.peak_mb
            );
            if says.is_empty() {
                // The pattern is not a number: the paragraphs import as text.
                assert_eq!(run.code, Some(0), "{command} {name}: {}", run.stderr);
            } else {
                assert_eq!(run.code, Some(1), "{command} {name}: {}", run.stderr);
                assert!(
                    run.stderr.contains(says) && run.stderr.contains("split the draft"),
                    "{command} {name}: {}",
                    run.stderr
                );
                assert!(!out.exists(), "{command} {name} wrote {}", out.display());
            }
        }
    }
}

#[test]
fn a_text_draft_too_big_to_build_is_refused_by_import_with_its_reason() {
    let dir = scratch("hostile-big-text");
    let head = "关于做好防汛工作的通知\n各乡镇人民政府：\n";
    let closing = "某某县应急管理局\n2024年5月20日\n";
    let paragraphs =
        "　　为做好今年防汛工作，现将有关事项通知如下，各单位要高度重视。\n".repeat(50_000);
    let rows: String = (0..30_000)
        .map(|i| format!("{i}\t甲县\t{}\n", i * 3))
        .collect();
    for (name, text, says) in [
        (
            "body",
            format!("{head}{paragraphs}{closing}"),
            "more than the 4 MB a body may hold",
        ),
        (
            "rows",
            format!("{head}序号\t地区\t金额\n{rows}{closing}"),
            "more than the 20000 a table may hold",
        ),
    ] {
        let draft = dir.join(format!("{name}.txt"));
        std::fs::write(&draft, text).unwrap();
        let out = dir.join(name);
        let run = bounded(&["import", s(&draft), "--out", s(&out)]);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        assert!(
            !out.exists(),
            "{name}: a plan that cannot build was written"
        );
    }
}

#[test]
fn code_blocks_and_html_in_a_markdown_draft_keep_their_text_with_a_note() {
    let dir = scratch("hostile-md-draft");
    let draft = dir.join("draft.md");
    std::fs::write(
        &draft,
        "关于做好防汛工作的通知\n\n各乡镇人民政府：\n\n为做好今年防汛工作，现将<b>有关</b>事项通知如下。\n\n```\n第一条　代码里的字。\n第二条　也在。\n```\n\n<div>网页里的一段话。</div>\n\n某某县应急管理局\n\n2024年5月20日\n",
    )
    .unwrap();
    let out = dir.join("plan");
    let run = bounded(&["import", s(&draft), "--out", s(&out)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for note in [
        "line 5: kept inline HTML",
        "line 7: kept a code block's lines as text",
        "line 12: kept an HTML block",
    ] {
        assert!(run.stderr.contains(note), "{note}: {}", run.stderr);
    }
    let run = bounded(&["build", "--format", "txt", s(&out.join("plan.toml"))]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let twin = std::fs::read_to_string(out.join("plan.txt")).unwrap();
    for line in [
        "　　为做好今年防汛工作，现将<b>有关</b>事项通知如下。",
        "　　第一条　代码里的字。",
        "　　第二条　也在。",
        "　　<div>网页里的一段话。</div>",
    ] {
        assert!(twin.lines().any(|l| l == line), "{line}:\n{twin}");
    }
}

#[test]
fn a_draft_of_invisible_spaces_only_has_no_text() {
    let dir = scratch("hostile-blank-draft");
    let draft = dir.join("blank.txt");
    std::fs::write(
        &draft,
        "\u{2003}\u{200b}\n\u{200b}\n\u{feff}\u{2003}\u{2003}\n".repeat(2_000),
    )
    .unwrap();
    let out = dir.join("plan");
    let run = bounded(&["import", s(&draft), "--out", s(&out)]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("blank.txt: the draft has no text"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

#[test]
fn many_short_markdown_paragraphs_import_in_linear_time() {
    // 256 KB of short paragraphs took 21 s when each line number was
    // counted from the file's start.
    let dir = scratch("hostile-md-many");
    let draft = dir.join("draft.md");
    let paragraphs: String = (0..20_000).map(|i| format!("第{i}段。\n\n")).collect();
    std::fs::write(&draft, format!("关于做好防汛工作的通知\n\n各乡镇人民政府：\n\n{paragraphs}某某县应急管理局\n\n2024年5月20日\n")).unwrap();
    let run = bounded(&["import", s(&draft), "--out", s(&dir.join("plan"))]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(3), "{:?}", run.elapsed);
}

#[test]
fn a_long_line_with_spaces_imports_in_linear_time() {
    // 188 KB, spaces every few words: 4.4 s when each space looked back
    // over the whole line for an organisation's name.
    let dir = scratch("hostile-spaced-line");
    let draft = dir.join("draft.txt");
    let line = "为做好今年防汛工作 现将有关事项 ".repeat(4_000);
    std::fs::write(&draft, format!("{DRAFT}　　{line}\n")).unwrap();
    let run = bounded(&["import", s(&draft), "--out", s(&dir.join("plan"))]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(1), "{:?}", run.elapsed);
}

#[test]
fn a_body_of_a_hundred_thousand_tables_is_refused_at_once() {
    // Before: 33 s, growing four times with each doubling.
    let dir = scratch("hostile-many-tables");
    let body: String = (0..100_000)
        .map(|i| format!("| 甲{i} |\n|---|\n\n"))
        .collect();
    std::fs::write(dir.join("body.md"), body).unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "issuer = \"某某县应急管理局\"\ntitle = \"关于做好防汛工作的通知\"\nbody_file = \"body.md\"\ndate = 2024-05-20\n",
    )
    .unwrap();
    let run = bounded(&["build", s(&dir.join("plan.toml"))]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the body holds 100000 tables; a body may hold 500")
            && run.stderr.contains("body.md:1:1"),
        "{}",
        run.stderr
    );
    // Issue 23's bound for a small hostile input; unoptimised under a
    // loaded test run the refusal takes about 2 s (before: 33 s, and 4×
    // with each doubling).
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
    assert!(!dir.join("plan.pdf").exists());
}

#[test]
fn megabytes_of_repaired_lines_print_a_bounded_few_notes() {
    // 60,000 lines (2.5 MB) each repaired printed one note per line kind, and a
    // list of 100,000 line numbers.
    let dir = scratch("hostile-many-notes");
    let draft = dir.join("draft.txt");
    let lines: String = (0..60_000)
        .map(|i| format!("　　第{i}项 工作,要落实(责任)。\n\n"))
        .collect();
    std::fs::write(&draft, format!("{DRAFT}{lines}")).unwrap();
    let run = bounded(&["import", s(&draft), "--out", s(&dir.join("plan"))]);
    assert_eq!(
        run.code,
        Some(0),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(
        run.stderr.contains("and 59980 more"),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(
        run.stderr.len() < 20_000,
        "{} bytes of notes",
        run.stderr.len()
    );
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Over every example and test plan, as written and with its punctuation
/// made half-width and spaces put between Chinese characters: `check
/// --fix` keeps every word (the rebuilt twin folds to the original's), a
/// second fix changes nothing, TOML keys and non-text values stay, and a
/// body keeps no half-width comma between Chinese characters, on lines
/// with placeholders or links too.
#[test]
fn check_fix_keeps_every_word_and_is_idempotent_over_every_plan() {
    let root = scratch("fix-property");
    let mut failures = Vec::new();
    let mut cases = 0;
    for plan_path in all_plans() {
        let plan_dir = plan_path.parent().unwrap();
        let name = plan_dir.file_name().unwrap().to_string_lossy().into_owned();
        let plan_file = plan_path.file_name().unwrap().to_str().unwrap();
        for damaged in [false, true] {
            cases += 1;
            let dir = root.join(format!("{name}-{damaged}"));
            copy_dir(plan_dir, &dir);
            let plan = dir.join(plan_file);
            let original = bounded(&["build", "--no-system-fonts", "--format", "txt", s(&plan)]);
            if original.code != Some(0) {
                continue;
            }
            let twin = std::fs::read_to_string(plan.with_extension("txt")).unwrap();
            if damaged {
                for (file, bytes) in files(&dir) {
                    if !(file.ends_with(".toml") || file.ends_with(".md")) {
                        continue;
                    }
                    let text = String::from_utf8(bytes).unwrap();
                    let mut out = String::new();
                    let mut han = 0;
                    for c in text
                        .replace('，', ",")
                        .replace('。', ".")
                        .replace('：', ":")
                        .chars()
                    {
                        let is_han = ('\u{4e00}'..='\u{9fff}').contains(&c);
                        if is_han && han > 0 && han % 7 == 0 && file.ends_with(".md") {
                            out.push(' ');
                        }
                        han = if is_han { han + 1 } else { 0 };
                        out.push(c);
                    }
                    std::fs::write(dir.join(&file), out).unwrap();
                }
            }
            let before: toml::Table = if plan_file.ends_with(".toml") {
                toml::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap()
            } else {
                toml::Table::new()
            };
            bounded(&["check", "--fix", "--no-system-fonts", s(&plan)]);
            let once = files(&dir);
            // The damage is repaired in the bodies: no half-width comma
            // or stray space is left between Chinese characters.
            for (file, bytes) in &once {
                let text = String::from_utf8_lossy(bytes);
                // The body only: front matter is TOML, fixed key by key.
                let body = match text.strip_prefix("+++") {
                    Some(rest) => rest.split_once("\n+++").map_or("", |(_, b)| b),
                    None => &text,
                };
                let chars: Vec<char> = body.chars().collect();
                let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
                let left = chars
                    .windows(3)
                    .filter(|w| han(w[0]) && w[1] == ',' && han(w[2]))
                    .count();
                if file.ends_with(".md") && left > 0 {
                    failures.push(format!(
                            "{name} (damaged: {damaged}): {file} keeps {left} half-width commas between Chinese"
                        ));
                }
            }
            bounded(&["check", "--fix", "--no-system-fonts", s(&plan)]);
            if files(&dir) != once {
                failures.push(format!(
                    "{name} (damaged: {damaged}): a second fix changed files"
                ));
            }
            if plan_file.ends_with(".toml") {
                let after: toml::Table =
                    toml::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
                let keys = |t: &toml::Table| t.keys().cloned().collect::<Vec<_>>();
                if keys(&before) != keys(&after) {
                    failures.push(format!("{name} (damaged: {damaged}): keys changed"));
                }
                for (key, value) in &before {
                    if !matches!(
                        value,
                        toml::Value::String(_) | toml::Value::Array(_) | toml::Value::Table(_)
                    ) && after.get(key) != Some(value)
                    {
                        failures.push(format!("{name} (damaged: {damaged}): {key} changed"));
                    }
                }
            }
            let rebuilt = bounded(&["build", "--no-system-fonts", "--format", "txt", s(&plan)]);
            if rebuilt.code != Some(0) {
                failures.push(format!(
                    "{name} (damaged: {damaged}): no longer builds: {}",
                    rebuilt.stderr
                ));
                continue;
            }
            let fixed = std::fs::read_to_string(plan.with_extension("txt")).unwrap();
            if folded_words(&fixed) != folded_words(&twin) {
                failures.push(format!(
                        "{name} (damaged: {damaged}): the words changed:\n--- before\n{twin}\n--- after fix\n{fixed}"
                    ));
            }
        }
    }
    assert!(cases >= 30, "{cases} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_folder_batch_names_the_word_drafts_it_does_not_build() {
    let dir = scratch("folder-word-drafts");
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于测试的通知\"\nbody = \"正文。\"\ndate = 2024-01-02\n",
    )
    .unwrap();
    // plan.docx is the plan's own Word output; draft.docx is a clerk's draft.
    word_file(&dir.join("plan.docx"), &paragraph("正文。"), None);
    word_file(&dir.join("draft.docx"), &paragraph("正文。"), None);
    let run = bounded(&["build", "--no-system-fonts", s(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("skipped 1 Word file") && run.stderr.contains("draft.docx"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("plan.docx:"), "{}", run.stderr);
}
