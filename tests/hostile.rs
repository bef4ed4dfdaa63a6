//! Hostile and oversized input: every attack ends in bounded time and
//! memory with an error at its place, never a panic, an abort or a hang,
//! and one document's failure costs no other document its outputs.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::*;

const PLAN: &str = "title = \"关于测试的通知\"\nbody = \"正文。\"\ndate = 2024-01-02\n";

fn dir_with(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = scratch(name);
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A bounded run that must end by itself: no timeout, no crash signal.
fn bounded(args: &[&str], seconds: u64) -> Bounded {
    let run = notice_bounded(args, Duration::from_secs(seconds));
    assert!(
        !run.timed_out,
        "notice {args:?} ran past {seconds} s:\n{}",
        run.stderr
    );
    assert!(
        run.code.is_some(),
        "notice {args:?} was killed by a signal:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

// ------------------------------------------------------------------ images

#[test]
fn a_huge_seal_is_refused_from_its_header_and_the_batch_goes_on() {
    let mut files: Vec<(String, Vec<u8>)> = (1..=20)
        .map(|i| (format!("good{i:02}/plan.toml"), PLAN.as_bytes().to_vec()))
        .collect();
    files.push((
        "bad/plan.toml".into(),
        format!("{PLAN}seal = \"seal.png\"\nissuer = \"某局\"\n").into_bytes(),
    ));
    files.push(("bad/seal.png".into(), png_header(60_000, 60_000)));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let dir = dir_with("huge-seal", &refs);

    let run = bounded(
        &[
            "build",
            "--no-system-fonts",
            "--json",
            "--jobs",
            "2",
            s(&dir),
        ],
        60,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.peak_mb < 400.0, "peak {} MB", run.peak_mb);
    let records: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 21, "{}", run.stdout);
    let built = records.iter().filter(|r| r["status"] == "built").count();
    assert_eq!(built, 20, "every good plan is built");
    let bad = records.iter().find(|r| r["status"] == "failed").unwrap();
    let error = &bad["errors"][0];
    assert!(error["message"].as_str().unwrap().contains("60000 × 60000"));
    assert_eq!(error["line"], 4, "at the seal key: {error}");
    for i in 1..=20 {
        assert!(dir.join(format!("good{i:02}/plan.pdf")).exists());
    }

    let check = bounded(&["check", "--no-system-fonts", s(&dir.join("bad"))], 20);
    assert_eq!(check.code, Some(1));
    assert!(check.stderr.contains("pixels"), "{}", check.stderr);
}

#[test]
fn a_damaged_seal_is_reported_at_its_key_not_in_the_template() {
    let mut png = png_header(200, 200);
    png.truncate(40);
    let dir = dir_with(
        "damaged-seal",
        &[
            (
                "plan.toml",
                format!("{PLAN}issuer = \"某局\"\nseal = \"seal.png\"\n").as_bytes(),
            ),
            ("seal.png", &png),
        ],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("plan.toml:5:8"), "{}", run.stderr);
    assert!(!run.stderr.contains(".typ"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"));
}

// ------------------------------------------------------------ placeholders

#[test]
fn placeholders_that_would_grow_without_bound_are_refused_at_their_place() {
    let doubling = format!(
        "{{% set s = \"字字字字字字字字字字\" %}}{}{{{{ s }}}}",
        "{% set s = s ~ s %}".repeat(20)
    );
    for (name, body, words) in [
        ("doubling", doubling.as_str(), "`{% set %}`"),
        ("repeat", "{{ \"字\" * 10000000 }}", "`*`"),
        ("indent", "{{ \"a\\nb\"|indent(2000000000) }}", "`indent`"),
    ] {
        let plan =
            format!("title = \"关于测试的通知\"\ndate = 2024-01-02\nbody = '''\n{body}\n'''\n");
        let dir = dir_with(&format!("grow-{name}"), &[("plan.toml", plan.as_bytes())]);
        let run = bounded(
            &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
            20,
        );
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert!(run.peak_mb < 300.0, "{name}: peak {} MB", run.peak_mb);
        assert!(run.stderr.contains(words), "{name}: {}", run.stderr);
        // The place is inside the multi-line body, on line 4, not the
        // whole body.
        assert!(
            run.stderr.contains("plan.toml:4:"),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_placeholder_printing_too_much_names_the_limit() {
    let dir = dir_with(
        "field-limit",
        &[(
            "plan.toml",
            format!("{PLAN}[vars]\ns = \"{}\"\n", "字".repeat(23_000)).as_bytes(),
        )],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("64 KB"), "{}", run.stderr);
    assert!(run.stderr.contains("plan.toml:5:5"), "{}", run.stderr);
}

#[test]
fn an_undefined_placeholder_is_named() {
    let dir = dir_with(
        "undefined",
        &[(
            "plan.toml",
            b"title = \"\xe5\x85\xb3\xe4\xba\x8e{{ what }}\xe7\x9a\x84\xe9\x80\x9a\xe7\x9f\xa5\"\nbody = \"x\"\n",
        )],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("`what` has no value"), "{}", run.stderr);
    assert!(run.stderr.contains("plan.toml:1:15"), "{}", run.stderr);
}

// ---------------------------------------------------------- data is data

#[test]
fn mail_merge_cells_and_vars_print_as_written() {
    let cells = [
        "5*2=10 和 3*4",
        "甲\n\n# 伪造标题\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        "[点此](http://evil)",
    ];
    let mut csv = String::from("n,value\n");
    for (i, c) in cells.iter().enumerate() {
        csv.push_str(&format!("{},\"{}\"\n", i + 1, c));
    }
    let dir = dir_with(
        "data-is-data",
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\ndate = 2024-01-02\nbody = \"值：{{ value }}。其余照常。\"\n"
                    .as_bytes(),
            ),
            ("rows.csv", csv.as_bytes()),
        ],
    );
    let run = bounded(
        &[
            "build",
            "--no-system-fonts",
            s(&dir.join("plan.toml")),
            "--data",
            s(&dir.join("rows.csv")),
        ],
        60,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for (i, cell) in cells.iter().enumerate() {
        let text = std::fs::read_to_string(dir.join(format!("plan-{}.txt", i + 1))).unwrap();
        assert!(
            text.contains(&format!("值：{cell}。其余照常。")),
            "cell {cell:?} printed as written in:\n{text}"
        );
        assert!(!text.contains("一、"), "no heading was made:\n{text}");
        let pdf = Pdf::parse(&std::fs::read(dir.join(format!("plan-{}.pdf", i + 1))).unwrap());
        let words: String = pdf
            .all_lines()
            .iter()
            .map(|l| l.text())
            .collect::<String>()
            .replace(' ', "");
        let expected: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            words.contains(&expected),
            "{expected:?} in the PDF:\n{words}"
        );
    }
    // --var values too.
    let run = bounded(
        &[
            "build",
            "--no-system-fonts",
            "--force",
            "--var",
            "value=**粗**与`码`",
            s(&dir.join("plan.toml")),
        ],
        30,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    assert!(text.contains("值：**粗**与`码`。"), "{text}");
}

// ----------------------------------------------------------------- scanning

#[cfg(unix)]
#[test]
fn scanning_survives_link_loops_fifos_and_endless_files() {
    use std::os::unix::fs::symlink;
    let dir = dir_with(
        "scan",
        &[
            ("a/b/plan.toml", PLAN.as_bytes()),
            ("notes.md", b"# not a plan\n"),
        ],
    );
    symlink("..", dir.join("a/b/loop")).unwrap();
    symlink(".", dir.join("self")).unwrap();
    symlink("/dev/zero", dir.join("zero.md")).unwrap();
    for fifo in ["pipe.md", "pipe.toml"] {
        let path = std::ffi::CString::new(s(&dir.join(fifo))).unwrap();
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
    }
    let run = bounded(&["build", "--no-system-fonts", "--json", s(&dir)], 30);
    let built = run.stdout.matches("\"status\":\"built\"").count();
    assert_eq!(built, 1, "the plan is built once:\n{}", run.stdout);
    assert!(run.stdout.contains("pipe.md") && run.stdout.contains("not a regular file"));
    assert!(run.stdout.contains("pipe.toml"));

    // A FIFO named as a body file is refused, not waited on.
    let fifo_body = dir_with(
        "fifo-body",
        &[(
            "plan.toml",
            b"title = \"\xe6\xb5\x8b\" \nbody_file = \"body.md\"\n",
        )],
    );
    let path = std::ffi::CString::new(s(&fifo_body.join("body.md"))).unwrap();
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
    let run = bounded(
        &[
            "build",
            "--no-system-fonts",
            s(&fifo_body.join("plan.toml")),
        ],
        20,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    assert!(run.stderr.contains("plan.toml:2:13"), "{}", run.stderr);
}

#[test]
fn a_large_notes_file_is_sniffed_not_read() {
    let dir = dir_with("big-md", &[("plan.toml", PLAN.as_bytes())]);
    let big = std::fs::File::create(dir.join("notes.md")).unwrap();
    // 3 GB, sparse: reading it would take seconds and gigabytes.
    big.set_len(3 << 30).unwrap();
    let run = bounded(&["build", "--no-system-fonts", s(&dir)], 20);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.peak_mb < 300.0, "peak {} MB", run.peak_mb);
    assert!(run.elapsed < Duration::from_secs(10));
}

// ------------------------------------------------------------------ outputs

#[test]
fn out_never_maps_two_plans_to_one_output() {
    let dir = dir_with(
        "out-clash",
        &[
            ("x/plan.toml", PLAN.as_bytes()),
            ("y/plan.toml", PLAN.as_bytes()),
        ],
    );
    let out = dir.join("o");
    let run = bounded(
        &[
            "build",
            "--no-system-fonts",
            s(&dir.join("x/plan.toml")),
            s(&dir.join("y/plan.toml")),
            "--out",
            s(&out),
        ],
        30,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(out.join("x/plan.pdf").exists() && out.join("y/plan.pdf").exists());

    // Two plans of one folder with the same stem are refused, both named.
    let same = dir_with(
        "out-same-stem",
        &[
            ("plan.toml", PLAN.as_bytes()),
            ("plan.md", format!("+++\n{PLAN}+++\n").as_bytes()),
        ],
    );
    let run = bounded(&["build", "--no-system-fonts", s(&same)], 30);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("plan.md") && run.stderr.contains("plan.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_in_the_way_leaves_every_output_untouched() {
    let dir = dir_with(
        "folder-in-way",
        &[("plan.toml", PLAN.as_bytes()), ("plan.pdf", b"old pdf")],
    );
    std::fs::create_dir(dir.join("plan.txt")).unwrap();
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        30,
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(std::fs::read(dir.join("plan.pdf")).unwrap(), b"old pdf");
    assert!(run.stderr.contains("folder"), "{}", run.stderr);
}

#[test]
fn stale_temporary_files_of_killed_builds_are_removed() {
    let dir = dir_with(
        "stale-temp",
        &[
            ("plan.toml", PLAN.as_bytes()),
            // PID 4194304 is above Linux's limit: no process has it.
            (".notice-4194304-abc.tmp", b"half"),
        ],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        30,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!dir.join(".notice-4194304-abc.tmp").exists());
}

// -------------------------------------------------------------- large input

#[test]
fn a_body_over_the_limit_is_refused_at_once() {
    let dir = dir_with(
        "big-body",
        &[("plan.toml", b"title = \"x\"\nbody_file = \"body.md\"\n")],
    );
    let f = std::fs::File::create(dir.join("body.md")).unwrap();
    f.set_len(50 << 20).unwrap();
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("4 MB"), "{}", run.stderr);
    assert!(run.peak_mb < 200.0, "peak {} MB", run.peak_mb);
}

#[test]
fn a_long_mixed_paragraph_is_laid_out_in_linear_time() {
    // 300 KB of Chinese and Latin in one paragraph: the span look-ups of a
    // paragraph split into many pieces made this quadratic (60 s).
    let para = "中文text混排abc123，".repeat(12_000);
    let dir = dir_with(
        "mixed-paragraph",
        &[
            (
                "plan.toml",
                b"title = \"x\"\nbody_file = \"body.md\"\ndate = 2024-01-02\n",
            ),
            ("body.md", para.as_bytes()),
        ],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        60,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
}

#[test]
fn csv_rows_over_the_limit_are_refused_with_the_limit_named() {
    let mut csv = String::from("a,b\n");
    for i in 0..20_002 {
        csv.push_str(&format!("{i},x\n"));
    }
    let dir = dir_with(
        "csv-rows",
        &[
            (
                "plan.toml",
                format!("{PLAN}[[attachments]]\ntitle = \"表\"\ncsv = \"t.csv\"\n").as_bytes(),
            ),
            ("t.csv", csv.as_bytes()),
        ],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        30,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("20000 rows"), "{}", run.stderr);
    assert!(run.stderr.contains("t.csv:20002:"), "{}", run.stderr);
}

// ---------------------------------------------------------------- places

#[test]
fn errors_in_a_multi_line_inline_body_point_at_their_line() {
    let dir = dir_with(
        "inline-place",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\nbody = '''\n第一段。\n\n第二段{{ 未定义 }}。\n'''\n"
                .as_bytes(),
        )],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("plan.toml:5:"), "{}", run.stderr);
}

#[test]
fn missing_glyphs_in_csv_cells_and_bad_encodings_have_places() {
    let dir = dir_with(
        "csv-glyph",
        &[
            (
                "plan.toml",
                format!("{PLAN}[[attachments]]\ntitle = \"表\"\ncsv = \"t.csv\"\n").as_bytes(),
            ),
            ("t.csv", "名称,备注\n甲,\u{10FFFD}\n".as_bytes()),
        ],
    );
    let run = bounded(
        &["check", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert!(run.stderr.contains("t.csv:2:3"), "{}", run.stderr);

    let gbk = dir_with(
        "gbk-json",
        &[("plan.toml", b"title = \"\xb9\xd8\xd3\xda\"\nbody = \"x\"\n")],
    );
    let run = bounded(
        &[
            "build",
            "--no-system-fonts",
            "--json",
            s(&gbk.join("plan.toml")),
        ],
        20,
    );
    let record: serde_json::Value =
        serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    let error = &record["errors"][0];
    assert_eq!(error["code"], "encoding");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(1), Some(10))
    );
}

// ------------------------------------------------------------------- empty

#[test]
fn empty_input_is_an_error_that_says_what_is_missing() {
    let dir = dir_with(
        "empty",
        &[
            ("plan.toml", b""),
            ("ok/plan.toml", PLAN.replace("正文", "{{ v }}").as_bytes()),
            ("empty.csv", b""),
            ("header.csv", b"v\n"),
            ("dup.csv", b"v,v\n1,2\n"),
            ("rows.csv", b"v\n1\n2,3\n4\n"),
        ],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("empty"), "{}", run.stderr);
    let check = bounded(
        &["check", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(check.code, Some(1));

    let plan = dir.join("ok/plan.toml");
    for (csv, words) in [
        ("empty.csv", "empty"),
        ("header.csv", "no rows"),
        ("dup.csv", "twice"),
    ] {
        let run = bounded(
            &[
                "build",
                "--no-system-fonts",
                s(&plan),
                "--data",
                s(&dir.join(csv)),
            ],
            20,
        );
        assert_eq!(run.code, Some(1), "{csv}");
        assert!(run.stderr.contains(words), "{csv}: {}", run.stderr);
    }
    let run = bounded(
        &[
            "build",
            "--no-system-fonts",
            s(&plan),
            "--data",
            s(&dir.join("rows.csv")),
        ],
        30,
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("3 documents: 2 built, 1 failed"),
        "the rejected row counts as failed: {}",
        run.stderr
    );
}

// --------------------------------------------------------------- hygiene

#[test]
fn control_and_direction_characters_never_print() {
    let dir = dir_with(
        "hygiene",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\ndate = 1949-09-30\nbody = \"甲\\u0000乙\\u001b丙\\u0007丁\\u0085戊\\u202e己庚\\u200b辛\\ufe0f。\"\n"
                .as_bytes(),
        )],
    );
    let run = bounded(
        &["build", "--no-system-fonts", s(&dir.join("plan.toml"))],
        20,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    assert!(
        text.contains("甲乙丙丁戊己庚\u{200b}辛\u{fe0f}。"),
        "{text:?}"
    );
    assert!(
        run.stderr.contains("U+0000") && run.stderr.contains("U+202E"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("missing-glyph"), "{}", run.stderr);
    assert!(run.stderr.contains("1949年10月1日"), "{}", run.stderr);
    let pdf = Pdf::parse(&std::fs::read(dir.join("plan.pdf")).unwrap());
    let line = pdf.find_line("甲乙丙丁戊");
    assert!(
        line.text().contains("己庚"),
        "not reversed: {}",
        line.text()
    );
}

// --------------------------------------------------------------- options

#[test]
fn options_are_checked_against_their_ranges() {
    let dir = dir_with("options", &[("plan.toml", PLAN.as_bytes())]);
    let run = bounded(
        &[
            "preview",
            "--no-system-fonts",
            "--ppi",
            "100000",
            s(&dir.join("plan.toml")),
        ],
        20,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("10–1200"), "{}", run.stderr);
    let run = bounded(
        &[
            "preview",
            "--no-system-fonts",
            "--pages",
            "99",
            s(&dir.join("plan.toml")),
        ],
        20,
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("1 page"), "{}", run.stderr);
}
