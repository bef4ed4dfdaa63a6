//! Bad input, safety and `notice check`: every mistake is reported with its
//! place and a fix, nothing is half-written, user text is data.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::*;

fn dir_with(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    dir_with_bytes(name, &files)
}

fn dir_with_bytes(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = scratch(name);
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

fn run(args: &[&str]) -> (Output, String) {
    let out = notice(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

fn build_in(dir: &Path, plan: &str) -> (Output, String) {
    run(&[
        "build",
        "--no-system-fonts",
        dir.join(plan).to_str().unwrap(),
    ])
}

fn check_in(dir: &Path, plan: &str) -> (Output, String) {
    run(&[
        "check",
        "--no-system-fonts",
        dir.join(plan).to_str().unwrap(),
    ])
}

/// An input error: exit 1, no panic, the place and a hint printed.
fn assert_input_error(out: &Output, stderr: &str, place: &str, words: &[&str]) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit status 1 for input problems:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "no panic:\n{stderr}");
    assert!(stderr.contains(place), "place {place:?} in:\n{stderr}");
    assert!(stderr.contains("hint:"), "a hint in:\n{stderr}");
    for w in words {
        assert!(stderr.contains(w), "{w:?} in:\n{stderr}");
    }
}

// ------------------------------------------------------------- errors with places

#[test]
fn toml_syntax_error_points_at_line_and_column() {
    let dir = dir_with(
        "toml-syntax",
        &[("plan.toml", "title = \"关于测试的通知\"\nbody = \"未闭合\n")],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(&out, &err, "plan.toml:2:", &["invalid plan"]);
    assert!(!dir.join("plan.pdf").exists());
}

#[test]
fn wrong_type_is_named_with_its_place() {
    let dir = dir_with(
        "wrong-type",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\nsigners = \"张三\"\n",
        )],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(&out, &err, "plan.toml:2:11", &["invalid type", "sequence"]);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let dir = dir_with(
        "unknown-key",
        &[(
            "plan.toml",
            "titel = \"关于测试的通知\"\nbody = \"正文。\"\n",
        )],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(
        &out,
        &err,
        "plan.toml:1:1",
        &["unknown key `titel`", "did you mean `title`?"],
    );
    let dir = dir_with(
        "unknown-attachment-key",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\n[[attachments]]\ntitle = \"附件\"\nlandscpe = true\n",
        )],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(
        &out,
        &err,
        "plan.toml:4:1",
        &["unknown key `landscpe`", "did you mean `landscape`?"],
    );
}

#[test]
fn invalid_dates_are_reported() {
    let dir = dir_with(
        "bad-date",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\ndate = 2021-02-29\n",
        )],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(&out, &err, "plan.toml:2:", &["2021-02-29"]);
    let dir = dir_with(
        "bad-date-string",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\ndate = \"2020年13月1日\"\n",
        )],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(&out, &err, "plan.toml:2:8", &["invalid `date`"]);
}

#[test]
fn missing_files_are_reported_at_their_key() {
    for (key, line) in [
        ("body_file = \"正文.md\"", "plan.toml:2:13"),
        ("seal = \"seal.png\"", "plan.toml:2:8"),
    ] {
        let dir = dir_with(
            "missing-file",
            &[("plan.toml", &format!("title = \"关于测试的通知\"\n{key}\n"))],
        );
        let (out, err) = build_in(&dir, "plan.toml");
        assert_input_error(&out, &err, line, &["not found"]);
    }
    let dir = dir_with(
        "missing-csv",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\n[[attachments]]\ntitle = \"表\"\ncsv = \"t.csv\"\n",
        )],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(&out, &err, "plan.toml:4:7", &["`csv` file not found"]);
}

#[test]
fn joint_seals_are_checked_one_by_one_and_counted() {
    let plan = |seal: &str| {
        format!("issuer = [\"甲局\", \"乙局\"]\ntitle = \"关于测试的通知\"\nseal = {seal}\n")
    };
    let png = std::fs::read(support::repo().join("tests/fixtures/seal.png")).unwrap();
    // The missing one of two is pointed at, not the array.
    let dir = dir_with(
        "joint-seal-missing",
        &[("plan.toml", &plan("[\"a.png\", \"b.png\"]"))],
    );
    std::fs::write(dir.join("a.png"), &png).unwrap();
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(
        &out,
        &err,
        "plan.toml:3:18",
        &["`seal` file not found", "b.png"],
    );
    // Three seals for two issuers.
    let dir = dir_with(
        "joint-seal-count",
        &[("plan.toml", &plan("[\"a.png\", \"a.png\", \"a.png\"]"))],
    );
    std::fs::write(dir.join("a.png"), &png).unwrap();
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(
        &out,
        &err,
        "plan.toml:3:8",
        &["3 seals for 2 issuer(s)", "one seal per"],
    );
    let dir = dir_with("joint-seal-empty", &[("plan.toml", &plan("[]"))]);
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(&out, &err, "plan.toml:3:8", &["empty array"]);
}

#[test]
fn malformed_csv_points_at_the_row() {
    let dir = dir_with(
        "bad-csv",
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\n[[attachments]]\ntitle = \"表\"\ncsv = \"t.csv\"\n",
            ),
            ("t.csv", "序号,内容\n1,甲\n2,乙,多余\n"),
        ],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert_input_error(&out, &err, "t.csv:3:1", &["3 cells but the header has 2"]);
    std::fs::write(
        dir.join("t.csv"),
        [0xB9u8, 0xAB, 0xCE, 0xC4, b',', b'a', b'\n'],
    )
    .unwrap();
    let (out, err) = build_in(&dir, "plan.toml");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("t.csv:1:1") && err.contains("not UTF-8") && err.contains("hint"),
        "{err}"
    );
}

#[test]
fn bad_front_matter_is_explained() {
    let dir = dir_with("no-front-matter", &[("notice.md", "# 标题\n\n正文。\n")]);
    let (out, err) = build_in(&dir, "notice.md");
    assert_input_error(&out, &err, "notice.md:1:1", &["no +++ front matter"]);
    let dir = dir_with(
        "open-front-matter",
        &[("notice.md", "+++\ntitle = \"关于测试的通知\"\n\n正文。\n")],
    );
    let (out, err) = build_in(&dir, "notice.md");
    assert_input_error(&out, &err, "notice.md:1:1", &["never closed"]);
    // Lines inside front matter are counted from the top of the file.
    let dir = dir_with(
        "bad-front-matter",
        &[(
            "notice.md",
            "+++\ntitle = \"关于测试的通知\"\ntitel = 1\n+++\n正文。\n",
        )],
    );
    let (out, err) = build_in(&dir, "notice.md");
    assert_input_error(&out, &err, "notice.md:3:1", &["unknown key `titel`"]);
}

#[test]
fn exit_statuses_are_documented_and_usage_errors_are_2() {
    let (out, err) = run(&["build", "--no-such-option", "plan.toml"]);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let (out, _) = run(&["build"]);
    assert_eq!(out.status.code(), Some(2));
    let (out, err) = run(&["build", "--no-system-fonts", "/no/such/plan.toml"]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot read plan"));
    let help = String::from_utf8_lossy(&notice(&["--help"]).stdout).into_owned();
    assert!(help.contains("Exit status"), "{help}");
}

#[test]
fn binary_garbage_never_panics() {
    let mut seed: u64 = 0x9E3779B97F4A7C15;
    for (i, len) in [0usize, 1, 3, 64, 4096].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect();
        for name in ["plan.toml", "notice.md"] {
            let dir = dir_with_bytes(&format!("garbage-{i}"), &[(name, &bytes)]);
            let (out, err) = build_in(&dir, name);
            assert!(!err.contains("panicked"), "{err}");
            assert_ne!(out.status.code(), Some(101));
            if len > 0 {
                assert_eq!(out.status.code(), Some(1), "{err}");
            }
        }
    }
}

// ------------------------------------------------------------- nothing half-written

#[test]
fn a_failed_build_leaves_previous_outputs_untouched() {
    let dir = dir_with(
        "keep-previous",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\nbody = \"第一版。\"\n",
        )],
    );
    let (out, _) = build_in(&dir, "plan.toml");
    assert!(out.status.success());
    let pdf = std::fs::read(dir.join("plan.pdf")).unwrap();
    let txt = std::fs::read(dir.join("plan.txt")).unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于测试的通知\"\nbody = \"第二版。\"\nbody_file = \"x.md\"\n",
    )
    .unwrap();
    let (out, err) = build_in(&dir, "plan.toml");
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("previous outputs are unchanged"), "{err}");
    assert_eq!(
        std::fs::read(dir.join("plan.pdf")).unwrap(),
        pdf,
        "the PDF is untouched"
    );
    assert_eq!(
        std::fs::read(dir.join("plan.txt")).unwrap(),
        txt,
        "the text is untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");
}

#[test]
fn an_interrupted_build_leaves_no_truncated_file() {
    let dir = scratch("interrupted");
    copy_dir(&repo().join("examples/yonghe-notice"), &dir);
    for delay_ms in [30u64, 80, 150, 250] {
        let _ = std::fs::remove_file(dir.join("plan.pdf"));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_notice"))
            .args([
                "build",
                "--no-system-fonts",
                dir.join("plan.toml").to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let _ = child.wait();
        // Either no PDF yet, or a whole one.
        if let Ok(bytes) = std::fs::read(dir.join("plan.pdf")) {
            assert!(
                bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
                "a whole PDF or none (after {delay_ms}ms)"
            );
        }
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(".notice-") && name.ends_with(".tmp")
            })
            .collect();
        assert!(
            leftovers.is_empty(),
            "temporary files removed after {delay_ms}ms: {leftovers:?}"
        );
    }
}

// ------------------------------------------------------------- user text is data

#[test]
fn markup_in_a_body_file_prints_literally_and_runs_nothing() {
    let secret = scratch("secret").join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-CONTENT").unwrap();
    let body = format!(
        "正文#read(\"{}\")与#eval(\"1+1\")及$x$、]、[、<label>、@ref、\\\\、#include \"x.typ\"。\n\n```\n#set text(red)\n```\n",
        secret.display()
    );
    let dir = dir_with(
        "literal-body",
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\nbody_file = \"body.md\"\n",
            ),
            ("body.md", &body),
        ],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert!(out.status.success(), "{err}");
    let text = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    assert!(
        text.contains(&format!("#read(\"{}\")", secret.display())),
        "{text}"
    );
    assert!(
        text.contains("#eval(\"1+1\")")
            && text.contains("$x$")
            && text.contains("@ref")
            && text.contains("#set text(red)"),
        "{text}"
    );
    let pdf = Pdf::parse(&std::fs::read(dir.join("plan.pdf")).unwrap());
    let all: String = pdf.all_lines().iter().map(Line::text).collect();
    assert!(all.contains("#eval(\"1+1\")"), "{all}");
    assert!(
        !all.contains("TOP-SECRET") && !text.contains("TOP-SECRET"),
        "nothing was read"
    );
    assert!(pdf.glyphs.iter().all(|g| !is_red(g.color)), "no markup ran");
}

#[test]
fn plan_paths_stay_inside_the_plan_folder() {
    let root = scratch("paths");
    std::fs::write(root.join("outside.md"), "外面的正文。").unwrap();
    let plan_dir = root.join("plan");
    std::fs::create_dir_all(&plan_dir).unwrap();
    for (body_file, what) in [
        ("../outside.md", "dot-dot"),
        ("/etc/hostname", "absolute"),
        ("link.md", "symlink"),
    ] {
        let _ = std::fs::remove_file(plan_dir.join("link.md"));
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("outside.md"), plan_dir.join("link.md")).unwrap();
        std::fs::write(
            plan_dir.join("plan.toml"),
            format!("title = \"关于测试的通知\"\nbody_file = \"{body_file}\"\n"),
        )
        .unwrap();
        let (out, err) = build_in(&plan_dir, "plan.toml");
        assert_input_error(
            &out,
            &err,
            "plan.toml:2:13",
            &["outside the plan's folder", "--root"],
        );
        assert!(!plan_dir.join("plan.pdf").exists(), "{what}");
    }
    // --root widens the folder.
    std::fs::write(
        plan_dir.join("plan.toml"),
        "title = \"关于测试的通知\"\nbody_file = \"../outside.md\"\n",
    )
    .unwrap();
    let (out, err) = run(&[
        "build",
        "--no-system-fonts",
        "--root",
        root.to_str().unwrap(),
        plan_dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{err}");
    assert!(
        std::fs::read_to_string(plan_dir.join("plan.txt"))
            .unwrap()
            .contains("外面的正文。")
    );
}

/// A file that names every marker notice reads (`src/typeset/markers.rs`),
/// so a small test template keeps the contract.
const EVERY_MARKER: &str = r#"#let markers = ("title-end", "to", "block:", "heading", "sentence", "table", "table-end", "tight", "body-end", "closing", "signature", "seal-block", "closing-end", "attachment", "imprint")"#;

#[test]
fn a_template_that_drops_a_marker_is_refused_by_name() {
    let root = scratch("template-contract");
    let template = root.join("tpl");
    let out = notice(&["template", "export", "gongwen", template.to_str().unwrap()]);
    assert!(out.status.success());
    std::fs::write(root.join("plan.toml"), "title = \"关于测试的通知\"\n").unwrap();
    for (file, call, instead, name) in [
        ("closing.typ", "marker(\"signature\")", "[]", "signature"),
        ("gongwen.typ", "\"block:\"", "\"part:\"", "block:N"),
    ] {
        let path = template.join(file);
        let kept = std::fs::read_to_string(&path).unwrap();
        assert!(kept.contains(call), "{file} has {call}");
        std::fs::write(&path, kept.replace(call, instead)).unwrap();
        let (out, err) = run(&[
            "build",
            "--no-system-fonts",
            "--template",
            template.to_str().unwrap(),
            root.join("plan.toml").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("`{name}`")) && err.contains("1 of the markers"),
            "names the marker: {err}"
        );
        assert!(!root.join("plan.pdf").exists());
        std::fs::write(&path, kept).unwrap();
    }
}

#[test]
fn a_custom_template_reads_only_its_own_folder() {
    let root = scratch("template-jail");
    std::fs::write(root.join("secret.txt"), "TOP-SECRET").unwrap();
    let template = root.join("tpl");
    std::fs::create_dir_all(&template).unwrap();
    std::fs::write(template.join("part.typ"), "#let greeting = [inside]").unwrap();
    std::fs::write(template.join("contract.typ"), EVERY_MARKER).unwrap();
    std::fs::write(root.join("plan.toml"), "title = \"关于测试的通知\"\n").unwrap();
    let attempts = [
        ("#import \"part.typ\": greeting\n#greeting", true),
        ("#read(\"../secret.txt\")", false),
        ("#read(\"/etc/hostname\")", false),
        ("#read(\"link.txt\")", false),
        ("#import \"@preview/example:0.1.0\": *", false),
    ];
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("secret.txt"), template.join("link.txt")).unwrap();
    for (main, allowed) in attempts {
        std::fs::write(template.join("main.typ"), main).unwrap();
        let (out, err) = run(&[
            "build",
            "--no-system-fonts",
            "--template",
            template.to_str().unwrap(),
            root.join("plan.toml").to_str().unwrap(),
        ]);
        assert_eq!(out.status.success(), allowed, "{main}: {err}");
        if !allowed {
            assert!(
                err.contains("main.typ:1:"),
                "points into the template: {err}"
            );
        }
        if let Ok(text) = std::fs::read_to_string(root.join("plan.pdf")) {
            assert!(!text.contains("TOP-SECRET"));
        }
    }
}

// ------------------------------------------------------------- missing glyphs

#[test]
fn characters_no_font_has_are_reported_with_their_place() {
    let dir = dir_with(
        "missing-glyph",
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\nbody_file = \"body.md\"\n",
            ),
            (
                "body.md",
                "第一行正常。\n\n第三行有\u{4DB6}字，还有䶮字。\n",
            ),
        ],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert!(out.status.success(), "a warning, not an error: {err}");
    assert!(
        err.contains("U+4DB6") && err.contains("body.md:3:5"),
        "character, code point and place: {err}"
    );
    assert!(
        !err.contains("U+4DAE"),
        "䶮 is covered by the fallback face: {err}"
    );
    let (out, _) = check_in(&dir, "plan.toml");
    assert_eq!(out.status.code(), Some(1), "check fails on it");
}

// ------------------------------------------------------------- notice check

/// Checks a plan and returns the codes of its findings.
fn findings(name: &str, plan: &str) -> (Output, String) {
    let dir = dir_with(name, &[("plan.toml", plan)]);
    let result = check_in(&dir, "plan.toml");
    assert!(
        !dir.join("plan.pdf").exists() && !dir.join("plan.txt").exists(),
        "check writes nothing"
    );
    result
}

#[test]
fn check_passes_the_shipped_examples() {
    // A folder is searched for plans, as with build.
    let (out, err) = run(&[
        "check",
        "--no-system-fonts",
        repo().join("examples").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.matches("no problems found").count(), 3, "{err}");
    for (example, plan) in [
        ("yonghe-notice", "plan.toml"),
        ("upward-request", "plan.toml"),
        ("markdown-joint", "notice.md"),
    ] {
        let (out, err) = run(&[
            "check",
            "--no-system-fonts",
            repo()
                .join("examples")
                .join(example)
                .join(plan)
                .to_str()
                .unwrap(),
        ]);
        assert!(out.status.success(), "{example}: {err}");
        assert!(err.contains("no problems found"));
    }
}

#[test]
fn check_flags_document_numbers() {
    for (number, code, fix) in [
        ("某政发[2020]11号", "number-brackets", "某政发〔2020〕11号"),
        (
            "某政发【2020】11号",
            "number-brackets",
            "某政发〔2020〕11号",
        ),
        ("某政发(2020)11号", "number-brackets", "某政发〔2020〕11号"),
        ("某政发〔20〕11号", "number-year", "某政发〔2020〕11号"),
        (
            "某政发〔2020〕第11号",
            "number-sequence",
            "某政发〔2020〕11号",
        ),
        (
            "某政发〔2020〕011号",
            "number-sequence",
            "某政发〔2020〕11号",
        ),
    ] {
        let (out, err) = findings(
            "number",
            &format!("title = \"关于测试的通知\"\nnumber = \"{number}\"\n"),
        );
        assert_eq!(out.status.code(), Some(1), "{number}: {err}");
        assert!(
            err.contains(&format!("[{code}]"))
                && err.contains("plan.toml:2:10")
                && err.contains(fix),
            "{number}: {err}"
        );
    }
    let (out, err) = findings(
        "number-ok",
        "title = \"关于测试的通知\"\nnumber = \"某政发〔2020〕11号\"\n",
    );
    assert!(out.status.success(), "{err}");
}

#[test]
fn check_flags_title_punctuation_and_half_width_marks() {
    let (out, err) = findings("title-punct", "title = \"关于测试的通知。\"\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("[title-punctuation]") && err.contains("plan.toml:1:9"),
        "{err}"
    );

    let dir = dir_with(
        "ascii",
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\nbody_file = \"body.md\"\n",
            ),
            (
                "body.md",
                "时间10:30，网址见[链接](http://a.cn/x)。\n\n要求:认真落实,按时报送(见附件);版本1,2,3。\n",
            ),
        ],
    );
    let (out, err) = check_in(&dir, "plan.toml");
    assert_eq!(out.status.code(), Some(1));
    for (col, mark) in [(3, ':'), (8, ','), (13, '('), (17, ')'), (18, ';')] {
        assert!(
            err.contains(&format!("body.md:3:{col}")),
            "`{mark}` at 3:{col}: {err}"
        );
    }
    assert_eq!(
        err.matches("[ascii-punctuation]").count(),
        5,
        "10:30, the link and 1,2,3 are fine: {err}"
    );
}

#[test]
fn check_flags_numbering_that_skips_or_mixes_levels() {
    let dir = dir_with(
        "numbering",
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\nbody_file = \"body.md\"\n",
            ),
            ("body.md", "# 一、甲\n\n# 三、丙\n\n## 1.丁\n"),
        ],
    );
    let (out, err) = check_in(&dir, "plan.toml");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("[numbering-skip]") && err.contains("body.md:3:1") && err.contains("`二、`"),
        "{err}"
    );
    assert!(
        err.contains("[numbering-level]") && err.contains("body.md:5:1") && err.contains("###"),
        "{err}"
    );
}

#[test]
fn check_flags_attachment_numbering() {
    let (out, err) = findings(
        "attachments",
        "title = \"关于测试的通知\"\n[[attachments]]\ntitle = \"甲\"\nlabel = \"附件2\"\n[[attachments]]\ntitle = \"2.乙\"\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("plan.toml:4:9") && err.contains("label it `附件1`"),
        "{err}"
    );
    assert!(
        err.contains("plan.toml:6:9") && err.contains("starts with its own number"),
        "{err}"
    );
}

#[test]
fn check_flags_secrecy_urgency_and_dates() {
    let (out, err) = findings(
        "values",
        "title = \"关于测试的通知\"\nsecrecy_period = \"1年\"\nurgency = \"加紧\"\ndate = 1900-01-01\nprinted_on = 2999-01-01\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("[secrecy-period]") && err.contains("plan.toml:2:18"),
        "{err}"
    );
    assert!(
        err.contains("[urgency]")
            && err.contains("plan.toml:3:11")
            && err.contains("did you mean `加急`?"),
        "{err}"
    );
    assert!(
        err.contains("plan.toml:4:8") && err.contains("before 1949"),
        "{err}"
    );
    assert!(
        err.contains("plan.toml:5:14") && err.contains("more than a year from today"),
        "{err}"
    );
    let (_, err) = findings(
        "secrecy",
        "title = \"关于测试的通知\"\nsecrecy = \"秘蜜\"\n",
    );
    assert!(
        err.contains("[secrecy]") && err.contains("did you mean `秘密`?"),
        "{err}"
    );
}

#[test]
fn build_warns_and_strict_refuses() {
    let dir = dir_with(
        "strict",
        &[(
            "plan.toml",
            "title = \"关于测试的通知。\"\nbody = \"正文。\"\n",
        )],
    );
    let (out, err) = build_in(&dir, "plan.toml");
    assert!(out.status.success(), "warnings do not stop a build: {err}");
    assert!(err.contains("warning[title-punctuation]"), "{err}");
    std::fs::remove_file(dir.join("plan.pdf")).unwrap();
    let (out, err) = run(&[
        "build",
        "--strict",
        "--no-system-fonts",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("error[title-punctuation]"), "{err}");
    assert!(!dir.join("plan.pdf").exists(), "--strict writes nothing");
}

// ------------------------------------------------------------- large input

#[test]
fn a_hundred_page_body_builds() {
    let paragraph = "为进一步加强安全生产工作，切实防范化解重大安全风险，坚决遏制重特大事故发生，现就有关事项通知如下，请认真贯彻执行。".repeat(3);
    let body: String = (1..=280)
        .map(|i| format!("# 第{i}部分\n\n{paragraph}\n\n"))
        .collect();
    let dir = dir_with(
        "hundred-pages",
        &[
            (
                "plan.toml",
                "title = \"关于长文档的通知\"\nbody_file = \"body.md\"\n",
            ),
            ("body.md", &body),
        ],
    );
    let started = std::time::Instant::now();
    let (out, err) = build_in(&dir, "plan.toml");
    assert!(out.status.success(), "{err}");
    let pdf = Pdf::parse(&std::fs::read(dir.join("plan.pdf")).unwrap());
    assert!(pdf.pages >= 100, "{} pages", pdf.pages);
    eprintln!(
        "{} pages built in {:?} (debug build)",
        pdf.pages,
        started.elapsed()
    );
}
