//! The plan contract: every key, both forms, placeholders, attachments, the
//! text twin (golden files), and fonts taking precedence per role.

mod support;

use support::*;

/// The text twin of each shipped example, compared with a reviewed golden.
#[test]
fn text_twins_match_their_goldens() {
    for (built, golden) in [
        (yonghe(), "yonghe-notice"),
        (upward(), "upward-request"),
        (joint(), "markdown-joint"),
    ] {
        let expected =
            std::fs::read_to_string(repo().join("tests/golden").join(format!("{golden}.txt")))
                .unwrap();
        assert!(
            built.text == expected,
            "{golden}: text twin differs from tests/golden/{golden}.txt\n--- got ---\n{}",
            built.text
        );
    }
}

#[test]
fn text_twin_has_every_element_in_reading_order() {
    let text = &upward().text;
    let order = [
        "000018",
        "秘密★1年",
        "特急",
        "常州市天宁区应急管理局文件",
        // 签发人 on the right, the number level with the last name.
        "签发人：张建国　李明华\n常天应急〔2020〕11号\t欧阳志远",
        "常州市天宁区应急管理局关于申请2020年度安全生产专项资金的请示",
        "常州市天宁区人民政府：",
        "\u{3000}\u{3000}为深入贯彻落实",
        "\u{3000}\u{3000}一、资金需求及测算依据",
        "\u{3000}\u{3000}（一）隐患排查治理。开展",
        "\u{3000}\u{3000}附件：1.2020年度安全生产专项资金使用计划表",
        "\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}2.天宁区",
        "常州市天宁区应急管理局\n2020年3月27日",
        "\u{3000}\u{3000}（联系人：王晓红",
        "附件1",
        "序号\t项目\t主要内容\t金额（万元）",
        "附件2",
        "抄送：常州市应急管理局，天宁区财政局。",
        "常州市天宁区应急管理局办公室\t2020年3月27日印发",
    ];
    let mut from = 0;
    for item in order {
        let at = text[from..]
            .find(item)
            .unwrap_or_else(|| panic!("{item:?} missing or out of order in:\n{text}"));
        from += at + item.len();
    }
    // The PDF numbers its pages; page numbers are not words of the
    // document, so the twin has none.
    let numbers = upward()
        .pdf
        .all_lines()
        .into_iter()
        .filter(|l| l.text().starts_with('—'))
        .count();
    assert_eq!(numbers, upward().pdf.page_sizes.len());
    assert!(
        !text.lines().any(|l| l.starts_with('—') && l.ends_with('—')),
        "page numbers are not words of the document"
    );
}

#[test]
fn every_key_of_the_contract_builds() {
    let dir = scratch("every-key");
    std::fs::write(dir.join("body.md"), "# 总体要求\n\n正文{{ who }}。\n").unwrap();
    std::fs::write(dir.join("a.md"), "附件正文。\n").unwrap();
    std::fs::write(dir.join("t.csv"), "甲,乙\n1,2\n").unwrap();
    std::fs::copy(
        repo().join("examples/upward-request/seal.svg"),
        dir.join("seal.svg"),
    )
    .unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        r#"
format = "file"
issuer = ["甲市人民政府", "乙市人民政府"]
mark = "甲市人民政府文件"
number = "甲政发〔2024〕3号"
copy_number = "000001"
secrecy = "机密"
secrecy_period = "5年"
urgency = "加急"
signers = ["王五"]
title = "关于{{ what }}的通知"
to = ["各县人民政府", "市各委办局"]
body_file = "body.md"
signature = ["甲市人民政府", "乙市人民政府"]
date = 2024-05-06
seal = "seal.svg"
note = "此件公开发布"
cc = ["市委办公室", "市人大常委会办公室"]
printed_by = "甲市人民政府办公室"
printed_on = 2024-05-07

[vars]
what = "测试"
who = "内容"

[[attachments]]
title = "附件一"
body_file = "a.md"
label = "附件A"

[[attachments]]
title = "表格"
csv = "t.csv"
landscape = true
listed = false

[[attachments]]
title = "内联"
body = "内联正文。"
"#,
    )
    .unwrap();
    let built = build_plan(&dir.join("plan.toml"));
    let text = &built.text;
    for expected in [
        "000001",
        "机密★5年",
        "加急",
        "甲市人民政府文件",
        "甲政发〔2024〕3号",
        "签发人：王五",
        "关于测试的通知",
        "各县人民政府、市各委办局：",
        "一、总体要求",
        "正文内容。",
        "附件：1.附件一",
        "2.内联",
        "2024年5月6日",
        "（此件公开发布）",
        "附件A",
        "甲\t乙",
        "抄送：市委办公室，市人大常委会办公室。",
        "甲市人民政府办公室\t2024年5月7日印发",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(
        !text.contains("2.表格"),
        "an unlisted attachment is not in the 附件说明"
    );
    // The closing (附件说明, two seals, date, 附注) does not fit under this
    // 版头 with its two body lines, and moving them would leave page 1
    // with the title alone: the 署名 starts page 2, and the build says so.
    let pdf = &built.pdf;
    let note = pdf.exact_line("（此件公开发布）");
    let date = pdf.exact_line("2024年5月6日");
    assert_eq!(note.page, date.page, "附注 stays with the date");
    let with_body = pdf
        .lines(date.page)
        .iter()
        .any(|l| l.text() == "正文内容。");
    assert!(
        with_body || built.stderr.contains("warning[layout-closing-alone]"),
        "the 署名 alone, unreported:\n{}",
        built.stderr
    );
    assert_eq!(
        pdf.exact_line("正文内容。").page,
        1,
        "page 1 keeps the body"
    );
}

#[test]
fn markdown_plan_with_front_matter_builds() {
    let built = build_source(
        "front-matter",
        &[(
            "notice.md",
            "+++\ntitle = \"关于前置元数据的通知\"\nissuer = \"某局\"\ndate = 2024-01-02\n+++\n\n# 第一部分\n\n内容。\n",
        )],
    );
    assert!(built.text.contains("关于前置元数据的通知"));
    assert!(
        built
            .text
            .contains("\u{3000}\u{3000}一、第一部分\n\u{3000}\u{3000}内容。")
    );
}

#[test]
fn command_line_vars_override_plan_vars() {
    let dir = scratch("cli-vars");
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于{{ year }}年工作的通知\"\nbody = \"{{ year }}年。\"\n[vars]\nyear = 2023\n",
    )
    .unwrap();
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--var",
        "year=2025",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
    assert!(
        text.contains("关于2025年工作的通知") && text.contains("2025年。"),
        "{text}"
    );
}

#[test]
fn numbering_restarts_continues_and_runs_in_in_the_pdf() {
    let built = build_source(
        "numbering",
        &[(
            "plan.toml",
            "title = \"关于编号的通知\"\nbody = \"\"\"\n# 甲\n## 乙。\n\n乙的正文。\n\n## 丙\n### 丁\n# 三、戊\n## 己\n#### 庚\n\"\"\"\n",
        )],
    );
    let pdf = &built.pdf;
    for line in [
        "一、甲",
        "（一）乙。乙的正文。",
        "（二）丙",
        "1.丁",
        "三、戊",
        "（一）己",
        "（1）庚",
    ] {
        pdf.exact_line(line);
    }
}

#[test]
fn user_text_prints_literally() {
    let nasty =
        "#read(\\\"/etc/passwd\\\") $x^2$ [链接] <label> @ref \\\\ #set page(width: 1cm) 】";
    let built = build_source(
        "literal",
        &[(
            "plan.toml",
            &format!("title = \"{nasty}\"\nbody = \"正文 {nasty}\"\nissuer = \"{nasty}\"\n"),
        )],
    );
    let text = &built.text;
    let expected = "#read(\"/etc/passwd\") $x^2$ [链接] <label> @ref \\ #set page(width: 1cm) 】";
    assert!(text.contains(expected), "{text}");
    let pdf_text: String = built.pdf.all_lines().iter().map(Line::text).collect();
    assert!(
        pdf_text.contains("#read(\"/etc/passwd\")"),
        "printed in the PDF: {pdf_text}"
    );
    assert!(!pdf_text.contains("root:"), "no file was read");
    assert!(
        built
            .pdf
            .page_sizes
            .iter()
            .all(|(w, _)| (*w - 210.0).abs() < 0.1),
        "no markup ran"
    );
}

#[test]
fn a_users_font_takes_precedence_for_its_role() {
    let dir = scratch("user-font");
    let fonts = dir.join("myfonts");
    std::fs::create_dir_all(&fonts).unwrap();
    // A 楷体 stand-in: the Hei outlines under the family name KaiTi.
    let data = std::fs::read(repo().join("fonts/FandolHei-Regular.otf")).unwrap();
    std::fs::write(fonts.join("kaiti.otf"), fontname::rename(&data, "KaiTi")).unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于字体的通知\"\nbody = \"\"\"\n## 二级标题\n\n正文。\n\"\"\"\n",
    )
    .unwrap();
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--font-path",
        fonts.to_str().unwrap(),
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = Pdf::parse(&std::fs::read(dir.join("plan.pdf")).unwrap());
    let heading = pdf.exact_line("（一）二级标题");
    assert!(
        heading
            .glyphs
            .iter()
            .all(|g| !g.font.starts_with("FandolKai")),
        "the user's 楷体 replaces the embedded one: {}",
        heading.glyphs[0].font
    );
    let body = pdf.exact_line("正文。");
    assert!(
        body.glyphs[0].font.starts_with("FandolFang"),
        "other roles keep the embedded face"
    );

    // Without --font-path the embedded 楷体 is used.
    let out = notice(&[
        "build",
        "--no-system-fonts",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let pdf = Pdf::parse(&std::fs::read(dir.join("plan.pdf")).unwrap());
    assert!(
        pdf.exact_line("（一）二级标题").glyphs[0]
            .font
            .starts_with("FandolKai")
    );
}

#[test]
fn rare_characters_fall_back_to_the_embedded_song_face() {
    // 㐀 (CJK Ext A) and 䶮 are outside GB2312: Fandol lacks them.
    let built = build_source(
        "fallback",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\nbody = \"䶮字和㐀字。\"\n",
        )],
    );
    let line = built.pdf.exact_line("䶮字和㐀字。");
    let rare: Vec<&Glyph> = line
        .glyphs
        .iter()
        .filter(|g| g.ch == '䶮' || g.ch == '㐀')
        .collect();
    assert_eq!(rare.len(), 2);
    assert!(
        rare.iter()
            .all(|g| g.font.starts_with("NotoSerifCJKsc-Regular")),
        "{:?}",
        rare.iter().map(|g| &g.font).collect::<Vec<_>>()
    );
    assert!(
        line.glyphs
            .iter()
            .filter(|g| g.ch == '字')
            .all(|g| g.font.starts_with("FandolFang"))
    );
}
