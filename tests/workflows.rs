//! The CI and template-author workflows: batches, JSON reports, mail merge,
//! skipping unchanged plans, watch, previews, output formats, templates,
//! fonts, scaffolding and the plan's JSON Schema.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::*;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const GOOD: &str = "title = \"关于测试的通知\"\nbody = \"正文。\"\n";

#[test]
fn a_batch_builds_every_good_plan_and_reports_the_broken_one() {
    let dir = scratch("batch");
    write(
        &dir,
        &[
            ("plans/a.toml", GOOD),
            (
                "plans/sub/b.md",
                "+++\ntitle = \"关于乙的通知\"\n+++\n正文。\n",
            ),
            (
                "plans/sub/c.toml",
                "title = \"关于丙的通知\"\nbody_file = \"missing.md\"\n",
            ),
            ("plans/sub/body.md", "# 不是计划，没有前置元数据\n"),
        ],
    );
    let out_dir = dir.join("out");
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--jobs",
        "2",
        "--out",
        out_dir.to_str().unwrap(),
        dir.join("plans").to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "non-zero at the end: {err}");
    assert!(
        out_dir.join("a.pdf").exists() && out_dir.join("a.txt").exists(),
        "{err}"
    );
    assert!(
        out_dir.join("sub/b.pdf").exists(),
        "--out mirrors the input tree: {err}"
    );
    assert!(!out_dir.join("sub/c.pdf").exists());
    assert!(
        err.contains("c.toml:2:13") && err.contains("not found"),
        "the failure with its place: {err}"
    );
    assert!(
        !out_dir.join("sub/body.pdf").exists(),
        "a body without front matter is no plan"
    );
    let tally = err.lines().last().unwrap_or_default();
    assert!(
        tally.starts_with("3 documents: 2 built, 1 failed in "),
        "closing totals: {tally}"
    );
    // A rerun tells the unchanged ones apart.
    let again = notice(&[
        "build",
        "--no-system-fonts",
        "--out",
        out_dir.to_str().unwrap(),
        dir.join("plans").to_str().unwrap(),
    ]);
    let err = stderr(&again);
    let tally = err.lines().last().unwrap_or_default();
    assert!(
        tally.starts_with("3 documents: 2 unchanged, 1 failed in "),
        "closing totals: {tally}"
    );
}

#[test]
fn json_reports_one_record_per_plan() {
    let dir = scratch("json");
    write(
        &dir,
        &[
            ("a.toml", GOOD),
            ("b.toml", "titel = \"x\"\n"),
            (
                "c.toml",
                "title = \"关于测试的通知。\"\nbody = \"正文。\"\n",
            ),
        ],
    );
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--json",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(records.len(), 3, "{}", stdout(&out));
    let by_plan = |name: &str| {
        records
            .iter()
            .find(|r| r["plan"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    let a = by_plan("a.toml");
    assert_eq!(a["status"], "built");
    assert_eq!(a["pages"], 1);
    assert_eq!(a["outputs"].as_array().unwrap().len(), 2);
    assert!(a["ms"].as_u64().is_some());
    let b = by_plan("b.toml");
    assert_eq!(b["status"], "failed");
    let error = &b["errors"][0];
    assert_eq!(error["code"], "unknown-key");
    assert_eq!(error["line"], 1);
    assert_eq!(error["column"], 1);
    assert!(error["file"].as_str().unwrap().ends_with("b.toml"));
    let c = by_plan("c.toml");
    assert_eq!(c["status"], "built");
    assert_eq!(c["warnings"][0]["code"], "title-punctuation");
    assert!(
        stderr(&out).is_empty(),
        "nothing on stderr with --json: {}",
        stderr(&out)
    );
}

#[test]
fn quiet_prints_only_problems() {
    let dir = scratch("quiet");
    write(&dir, &[("a.toml", GOOD)]);
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--quiet",
        dir.join("a.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(stderr(&out).is_empty() && stdout(&out).is_empty());
}

#[test]
fn mail_merge_makes_one_document_per_row() {
    let dir = scratch("merge");
    write(
        &dir,
        &[
            (
                "plan.toml",
                "issuer = \"某局\"\nnumber = \"某〔2024〕{{ seq }}号\"\ntitle = \"关于{{ town }}检查的通知\"\nto = \"{{ town }}人民政府\"\nbody = \"请于{{ deadline }}前完成。\"\ndate = 2024-03-01\n",
            ),
            (
                "rows.csv",
                "seq,town,deadline\n1,甲镇,3月10日\n2,乙镇,3月12日\n3,丙镇,3月15日\n4,丁镇\n",
            ),
        ],
    );
    let out = notice(&[
        "build",
        "--no-system-fonts",
        dir.join("plan.toml").to_str().unwrap(),
        "--data",
        dir.join("rows.csv").to_str().unwrap(),
        "--name",
        "通知-{{ seq }}-{{ town }}",
    ]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the bad row fails the run: {err}"
    );
    for (seq, town, deadline) in [
        (1, "甲镇", "3月10日"),
        (2, "乙镇", "3月12日"),
        (3, "丙镇", "3月15日"),
    ] {
        let text = std::fs::read_to_string(dir.join(format!("通知-{seq}-{town}.txt"))).unwrap();
        assert!(
            text.contains(&format!("某〔2024〕{seq}号"))
                && text.contains(&format!("关于{town}检查的通知"))
                && text.contains(deadline),
            "{text}"
        );
        assert!(dir.join(format!("通知-{seq}-{town}.pdf")).exists());
    }
    assert!(
        err.contains("row 4 (line 5)") && err.contains("rows.csv:5:1"),
        "the bad row by its line: {err}"
    );
}

#[test]
fn unchanged_plans_are_skipped_until_an_input_changes() {
    let dir = scratch("skip");
    write(
        &dir,
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\nbody_file = \"body.md\"\n",
            ),
            ("body.md", "第一版。\n"),
        ],
    );
    let plan = dir.join("plan.toml");
    let build = |extra: &[&str]| {
        let mut args = vec!["build", "--no-system-fonts", "--json"];
        args.extend_from_slice(extra);
        args.push(plan.to_str().unwrap());
        let out = notice(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let record: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        record["status"].as_str().unwrap().to_string()
    };
    assert_eq!(build(&[]), "built");
    let stamp = std::fs::metadata(dir.join("plan.pdf"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(build(&[]), "skipped", "nothing changed");
    assert_eq!(
        std::fs::metadata(dir.join("plan.pdf"))
            .unwrap()
            .modified()
            .unwrap(),
        stamp,
        "the PDF was not rewritten"
    );
    std::fs::write(dir.join("body.md"), "第二版。\n").unwrap();
    assert_eq!(build(&[]), "built", "a body file changed");
    assert!(
        std::fs::read_to_string(dir.join("plan.txt"))
            .unwrap()
            .contains("第二版")
    );
    assert_eq!(
        build(&["--var", "x=1"]),
        "built",
        "placeholder values are inputs"
    );
    assert_eq!(build(&["--var", "x=1"]), "skipped");
    assert_eq!(
        build(&["--var", "x=1", "--force"]),
        "built",
        "--force rebuilds"
    );
    std::fs::remove_file(dir.join("plan.txt")).unwrap();
    assert_eq!(
        build(&["--var", "x=1"]),
        "built",
        "a missing output is rebuilt"
    );

    // A changed template rebuilds too.
    let template = dir.join("tpl");
    let out = notice(&["template", "export", "gongwen", template.to_str().unwrap()]);
    assert!(out.status.success());
    let t = template.to_str().unwrap();
    let with_template = |extra: &[&'static str]| -> Vec<&str> {
        let mut args = vec!["--template", t];
        args.extend_from_slice(extra);
        args
    };
    assert_eq!(
        build(&with_template(&["--var", "x=1"])),
        "skipped",
        "an identical copy of the template"
    );
    let lib = template.join("grid.typ");
    let edited = std::fs::read_to_string(&lib)
        .unwrap()
        .replace("#let separator-weight = 1pt", "#let separator-weight = 2pt");
    std::fs::write(&lib, edited).unwrap();
    assert_eq!(
        build(&with_template(&["--var", "x=1"])),
        "built",
        "the template changed"
    );
}

#[test]
fn watch_rebuilds_after_an_edit() {
    let dir = scratch("watch");
    write(
        &dir,
        &[
            (
                "plan.toml",
                "title = \"关于测试的通知\"\nbody_file = \"body.md\"\n",
            ),
            ("body.md", "第一版。\n"),
        ],
    );
    let log = dir.join("watch.log");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_notice"))
        .args([
            "watch",
            "--no-system-fonts",
            dir.join("plan.toml").to_str().unwrap(),
        ])
        .env("NO_COLOR", "1")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let wait = |done: &dyn Fn() -> bool| {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if done() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    };
    let text_has = |needle: &str| {
        std::fs::read_to_string(dir.join("plan.txt")).is_ok_and(|t| t.contains(needle))
    };
    // How many times the watcher reported `needle`.
    let reported =
        |needle: &str| std::fs::read_to_string(&log).map_or(0, |l| l.matches(needle).count());
    let first = wait(&|| text_has("第一版"));
    // Editors save by writing a new file and renaming it over the old one.
    std::fs::write(dir.join("body.md.tmp"), "第二版。\n").unwrap();
    std::fs::rename(dir.join("body.md.tmp"), dir.join("body.md")).unwrap();
    let second = wait(&|| text_has("第二版"));
    // A broken edit is reported, and keeps the last good outputs.
    std::fs::write(dir.join("plan.toml"), "titel = 1\n").unwrap();
    let broken_reported = wait(&|| reported("unknown key `titel`") >= 1);
    let kept = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于测试的通知\"\nbody_file = \"body.md\"\n",
    )
    .unwrap();
    // Saved while the rebuild for the plan runs (it starts after a 10 ms
    // settle and takes tens of ms): not lost.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(dir.join("body.md"), "第三版。\n").unwrap();
    let third = wait(&|| text_has("第三版"));
    // A body file that goes missing is reported, and followed when it
    // comes back.
    std::fs::remove_file(dir.join("body.md")).unwrap();
    let missing_reported = wait(&|| reported("file not found") >= 1);
    std::fs::write(dir.join("body.md"), "第四版。\n").unwrap();
    let fourth = wait(&|| text_has("第四版"));
    // A file the plan names before it exists is picked up when it appears.
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于测试的通知\"\nbody_file = \"new/body.md\"\n",
    )
    .unwrap();
    let new_missing = wait(&|| reported("file not found") >= 2);
    std::fs::create_dir(dir.join("new")).unwrap();
    std::fs::write(dir.join("new/body.md"), "第五版。\n").unwrap();
    let fifth = wait(&|| text_has("第五版"));
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(first.is_some(), "the first build: {log}");
    let second = second.expect("the rebuild after an edit");
    eprintln!("rebuild seen after {second:?}");
    assert!(
        broken_reported.is_some(),
        "the broken plan is reported: {log}"
    );
    assert!(
        kept.contains("第二版"),
        "a failed rebuild keeps the last good outputs"
    );
    assert!(
        third.is_some(),
        "watching goes on after a failed build: {log}"
    );
    assert!(
        missing_reported.is_some(),
        "a missing body file is reported: {log}"
    );
    assert!(
        fourth.is_some(),
        "a body file that comes back is followed: {log}"
    );
    assert!(
        new_missing.is_some(),
        "the new plan's missing file is reported: {log}"
    );
    assert!(
        fifth.is_some(),
        "a file that appears for the first time is followed: {log}"
    );
}

#[test]
fn preview_writes_png_pages_of_the_right_size() {
    let dir = scratch("preview");
    copy_dir(&repo().join("examples/upward-request"), &dir);
    let out = notice(&[
        "preview",
        "--no-system-fonts",
        "--ppi",
        "100",
        "--pages",
        "2-3",
        dir.join("plan.toml").to_str().unwrap(),
        "--out",
        dir.join("png").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut files: Vec<String> = std::fs::read_dir(dir.join("png"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    files.sort();
    assert_eq!(files, ["plan-2.png", "plan-3.png"]);
    let png = std::fs::read(dir.join("png/plan-2.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (827, 1169), "A4 at 100 ppi");
}

#[test]
fn formats_choose_the_outputs() {
    let dir = scratch("formats");
    copy_dir(&repo().join("examples/upward-request"), &dir);
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--format",
        "pdf,txt,png,svg,typ",
        "--ppi",
        "30",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for file in [
        "plan.pdf",
        "plan.txt",
        "plan-1.png",
        "plan-4.png",
        "plan-1.svg",
        "plan-4.svg",
        "plan.typst/main.typ",
        "plan.typst/gongwen.typ",
        "plan.typst/grid.typ",
        "plan.typst/geometry.json",
        "plan.typst/data.json",
        "plan.typst/seal.svg",
    ] {
        assert!(dir.join(file).exists(), "{file}");
    }
    let svg = std::fs::read_to_string(dir.join("plan-1.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("viewBox"));
    let data: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("plan.typst/data.json")).unwrap()).unwrap();
    assert_eq!(data["number"], "常天应急〔2020〕11号");
    assert_eq!(data["seal"]["file"], "seal.svg");
    assert!(data["fonts"]["fangsong"]["family"].is_string());
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--format",
        "txt",
        dir.join("plan.toml").to_str().unwrap(),
        "--out",
        dir.join("only-txt").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(dir.join("only-txt/plan.txt").exists() && !dir.join("only-txt/plan.pdf").exists());
}

#[test]
fn pdf_a_output_for_archives() {
    let dir = scratch("pdfa");
    write(&dir, &[("plan.toml", GOOD)]);
    // PDF/A records the document's date, which comes from the plan.
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--pdf-standard",
        "a-2b",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("add `date = "), "{}", stderr(&out));
    write(
        &dir,
        &[("plan.toml", &format!("{GOOD}date = 2024-05-06\n"))],
    );
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--pdf-standard",
        "a-2b",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = String::from_utf8_lossy(&std::fs::read(dir.join("plan.pdf")).unwrap()).into_owned();
    assert!(
        pdf.contains("<pdfaid:part>2</pdfaid:part>")
            && pdf.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "PDF/A-2b identification"
    );
    let out = notice(&[
        "build",
        "--pdf-standard",
        "z-9",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_exported_template_lays_out_the_same_document() {
    let dir = scratch("template");
    let out = notice(&["template", "list"]);
    assert!(stdout(&out).contains("gongwen (default)"));
    let template = dir.join("mine");
    let out = notice(&["template", "export", "gongwen", template.to_str().unwrap()]);
    assert!(
        out.status.success()
            && template.join("main.typ").exists()
            && template.join("gongwen.typ").exists()
    );
    let out = notice(&["template", "export", "gongwen", template.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "no silent overwrite");
    copy_dir(&repo().join("examples/upward-request"), &dir.join("a"));
    copy_dir(&repo().join("examples/upward-request"), &dir.join("b"));
    let out = notice(&[
        "build",
        "--no-system-fonts",
        dir.join("a/plan.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--template",
        template.to_str().unwrap(),
        dir.join("b/plan.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let a = Pdf::parse(&std::fs::read(dir.join("a/plan.pdf")).unwrap());
    let b = Pdf::parse(&std::fs::read(dir.join("b/plan.pdf")).unwrap());
    assert_eq!(a.pages, b.pages);
    let text = |pdf: &Pdf| {
        pdf.all_lines()
            .iter()
            .map(|l| format!("{:.2} {}", l.y, l.text()))
            .collect::<Vec<_>>()
    };
    assert_eq!(text(&a), text(&b), "same layout from the exported copy");
}

#[test]
fn fonts_shows_each_role_and_where_it_comes_from() {
    let out = notice(&["fonts", "--no-system-fonts"]);
    let listing = stdout(&out);
    for (role, family) in [
        ("小标宋", "Noto Serif CJK SC"),
        ("仿宋", "FandolFang R"),
        ("黑体", "FandolHei"),
        ("楷体", "FandolKai"),
        ("宋体", "Noto Serif CJK SC"),
    ] {
        let line = listing
            .lines()
            .find(|l| l.starts_with(role))
            .unwrap_or_else(|| panic!("{role} in {listing}"));
        assert!(line.contains(family) && line.contains("embedded"), "{line}");
    }
    let dir = scratch("fonts");
    let data = std::fs::read(repo().join("fonts/FandolFang-Regular.otf")).unwrap();
    std::fs::write(
        dir.join("fs.otf"),
        fontname::rename(&data, "FangSong_GB2312"),
    )
    .unwrap();
    let out = notice(&[
        "fonts",
        "--no-system-fonts",
        "--font-path",
        dir.to_str().unwrap(),
    ]);
    let line = stdout(&out)
        .lines()
        .find(|l| l.starts_with("仿宋"))
        .unwrap()
        .to_string();
    assert!(
        line.contains("FangSong_GB2312") && line.contains("user") && line.contains("fs.otf"),
        "{line}"
    );
}

#[test]
fn new_scaffolds_plans_that_build_and_pass_check() {
    let dir = scratch("new");
    for name in ["plan.toml", "notice.md"] {
        let path = dir.join(name);
        let out = notice(&["new", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = notice(&["check", "--no-system-fonts", path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{name} passes check: {}",
            stderr(&out)
        );
        let out = notice(&["new", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "never overwrites");
    }
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    let out = notice(&["completions", "bash"]);
    assert!(stdout(&out).contains("notice") && stdout(&out).contains("--font-path"));
    let out = notice(&["completions", "zsh"]);
    assert!(stdout(&out).contains("#compdef notice"));
    let out = notice(&["man"]);
    assert!(stdout(&out).starts_with(".ie") || stdout(&out).contains(".TH notice"));
    assert!(stdout(&out).contains("Exit status"));
}

/// A plan's TOML as the JSON editors validate (dates as strings).
fn toml_to_json(value: toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(s) => s.into(),
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => f.into(),
        toml::Value::Boolean(b) => b.into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(items) => items
            .into_iter()
            .map(toml_to_json)
            .collect::<Vec<_>>()
            .into(),
        toml::Value::Table(t) => t
            .into_iter()
            .map(|(k, v)| (k, toml_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn front_matter(path: &PathBuf) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "md") {
        text.split("+++").nth(1).unwrap().to_string()
    } else {
        text
    }
}

#[test]
fn the_json_schema_accepts_every_example_and_rejects_typos() {
    let out = notice(&["schema"]);
    let schema: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("notice schema prints JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut plans: Vec<PathBuf> = [
        "yonghe-notice/plan.toml",
        "upward-request/plan.toml",
        "markdown-joint/notice.md",
    ]
    .iter()
    .map(|p| repo().join("examples").join(p))
    .collect();
    plans.push(repo().join("src/cli/scaffold/plan.toml"));
    plans.push(repo().join("src/cli/scaffold/notice.md"));
    for plan in &plans {
        let value: toml::Value = toml::from_str(&front_matter(plan)).unwrap();
        let json = toml_to_json(value);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", plan.display());
    }
    for bad in [
        "titel = \"x\"",
        "urgency = \"很急\"",
        "attachments = [{ titel = \"x\" }]",
        "date = 5",
    ] {
        let json = toml_to_json(toml::from_str(bad).unwrap());
        assert!(!validator.is_valid(&json), "{bad} is rejected");
    }
}
