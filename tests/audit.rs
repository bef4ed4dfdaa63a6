//! The audit's page rules fire (issue 18): for every kind of page-rule
//! finding, a document that breaks it whatever the pagination search
//! tries, and the build saying so, at the page, with `--strict` failing.

mod support;

use std::path::Path;

use support::*;

const SEAL: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="0 0 42 42"><circle cx="21" cy="21" r="20" fill="none" stroke="#e60000" stroke-width="1.2"/></svg>"##;

/// Builds a plan, returning the build's stderr; with `strict`, also
/// asserts that `--strict` refuses it.
fn build(dir: &Path, plan: &str, extra: &[&str]) -> String {
    let path = dir.join("plan.toml");
    std::fs::write(&path, plan).unwrap();
    let mut args = vec!["build", "--no-system-fonts", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = notice(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The outputs are now up to date: the cache replays what the layout
    // found, and `--strict` still refuses it.
    let mut strict = args.clone();
    strict.push("--strict");
    let refused = notice(&strict);
    assert!(
        !refused.status.success(),
        "--strict built a page that breaks a rule"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_signature_that_cannot_keep_company_is_reported() {
    // Three lines of body under a 版头, three attachments listed and a
    // seal: the closing needs more than page 1 has at the tightest pitch,
    // and moving the body would leave page 1 with the title alone.
    let dir = scratch("audit-closing-alone");
    std::fs::write(dir.join("seal.svg"), SEAL).unwrap();
    let mut plan = String::from(
        "issuer = \"某某县应急管理局\"\nnumber = \"某应急〔2024〕4号\"\n\
         title = \"关于做好2024年第4批防汛抗旱和地质灾害防治工作的通知\"\n\
         to = \"各乡镇人民政府，县直各有关单位\"\n\
         body = \"要及时发布预警信息，提前转移受威胁群众。要及时发布预警信息，提前转移受威胁群众。各乡镇人民政府要落实属地管理责任，县直各部门要落实行业监管责任。建立隐患排查。\"\n\
         date = 2024-05-20\nseal = \"seal.svg\"\n",
    );
    for i in 1..=3 {
        plan.push_str(&format!(
            "\n[[attachments]]\ntitle = \"重点检查单位名单（{i}）\"\nbody = \"名单。\"\n"
        ));
    }
    let stderr = build(&dir, &plan, &[]);
    assert!(
        stderr.contains("warning[layout-closing-alone]: page 2: the 署名 starts the page"),
        "{stderr}"
    );
}

#[test]
fn a_signature_page_with_only_the_attendance_is_reported() {
    // A 纪要 of one sentence whose attendance runs over page 1: the date's
    // page holds only the rest of the names.
    let dir = scratch("audit-closing-bare");
    let names: Vec<String> = (0..160)
        .map(|i| {
            format!(
                "\"{}{}\"",
                ["王", "李", "张", "刘"][i % 4],
                ["建国", "明", "晓红", "志强", "东"][i % 5]
            )
        })
        .collect();
    let plan = format!(
        "format = \"minutes\"\nissuer = \"某某县人民政府\"\nnumber = \"第5期\"\n\
         title = \"县政府常务会议纪要\"\nbody = \"会议研究了防汛工作。\"\n\
         attendees = [{}]\ndate = 2024-05-20\n",
        names.join(", ")
    );
    let stderr = build(&dir, &plan, &[]);
    assert!(
        stderr.contains(
            "warning[layout-closing-bare]: page 2: the page of the 署名 holds no line of the body"
        ),
        "{stderr}"
    );
}

#[test]
fn a_lone_line_at_a_page_top_is_reported_even_from_a_template_without_widow_control() {
    // A template of the user's own that turns widow control off: notice's
    // rules still see a paragraph's last line alone at a page's top.
    let dir = scratch("audit-widow");
    let template = dir.join("template");
    let out = notice(&["template", "export", "gongwen", template.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gongwen = template.join("gongwen.typ");
    let source = std::fs::read_to_string(&gongwen).unwrap();
    let set = "  set block(spacing: 0pt)\n";
    assert!(source.contains(set));
    std::fs::write(
        &gongwen,
        source.replace(
            set,
            &format!("  set text(costs: (widow: 0%, orphan: 0%))\n{set}"),
        ),
    )
    .unwrap();
    // Fourteen paragraphs of three to six lines, over three pages: with
    // Typst's widow and orphan costs off, a paragraph's first or last line
    // is left alone at a page break, and notice's own template keeps
    // them together.
    let mut fired = 0;
    for shift in 0..4 {
        let sentence = "为切实做好防汛工作确保安全现就有关事项通知如下";
        let body: Vec<String> = (0..14)
            .map(|i| sentence.repeat(3 + (shift + i) % 4))
            .collect();
        let plan = format!(
            "title = \"关于做好防汛工作的通知\"\nto = \"各乡镇人民政府：\"\nbody = \"{}\"\ndate = 2024-05-20\n",
            body.join("\\n\\n")
        );
        let path = dir.join("plan.toml");
        std::fs::write(&path, plan).unwrap();
        let path = path.to_str().unwrap();
        let template = template.to_str().unwrap();
        let out = notice(&["build", "--no-system-fonts", "--template", template, path]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        if stderr.contains("warning[layout-widow]") {
            fired += 1;
            assert!(stderr.contains("line of a paragraph alone"), "{stderr}");
            let strict = notice(&[
                "build",
                "--no-system-fonts",
                "--template",
                template,
                path,
                "--strict",
            ]);
            assert!(!strict.status.success(), "--strict built a lone line");
        }
        let own = notice(&["build", "--no-system-fonts", path, "--force"]);
        let stderr = String::from_utf8_lossy(&own.stderr);
        assert!(
            !stderr.contains("layout-widow"),
            "notice's template: {stderr}"
        );
    }
    assert!(fired >= 1, "no widow reported over four fill levels");
}

#[test]
fn a_title_that_fills_page_one_is_reported() {
    let dir = scratch("audit-first-page");
    let title =
        "关于".to_string() + &"做好防汛抗旱和地质灾害防治及安全生产".repeat(20) + "工作的通知";
    let plan = format!(
        "title = \"{title}\"\nto = \"各乡镇人民政府\"\nbody = \"正文。\"\ndate = 2024-05-20\n"
    );
    let stderr = build(&dir, &plan, &[]);
    assert!(
        stderr.contains("warning[layout-first-page]: page 1"),
        "{stderr}"
    );
}

#[test]
fn a_page_that_ends_short_is_reported() {
    // minutes15 (tests/plans): its 15-name attendance would leave page 2
    // with no line of the body; two lines go with it and page 1 ends four
    // lines short.
    let dir = scratch("audit-page-end");
    copy_dir(&repo().join("tests/plans/minutes15"), &dir);
    let plan = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    let stderr = build(&dir, &plan, &[]);
    assert!(
        stderr.contains("warning[layout-page-end]: page 1: the page ends with 4.0 empty lines"),
        "{stderr}"
    );
}
