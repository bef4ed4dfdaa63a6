//! The other layouts of GB/T 9704 (信函, 命令, 纪要) and double-sided
//! printing of the 版记.

mod support;

use support::*;

fn paragraphs(n: usize) -> String {
    (1..=n)
        .map(|i| format!("第{i}段正文内容用于测试版记的位置。\n\n"))
        .collect()
}

#[test]
fn duplex_puts_the_imprint_on_an_even_page() {
    let built = build_source(
        "duplex-short",
        &[(
            "plan.toml",
            "title = \"关于双面印刷的通知\"\nbody = \"正文。\"\ncc = \"某某单位\"\nprinted_by = \"某某办公室\"\ndate = 2024-01-02\nduplex = true\n",
        )],
    );
    let pdf = &built.pdf;
    assert_eq!(pdf.pages, 2, "the 版记 takes the back of the sheet");
    let cc = pdf.find_line("抄送：某某单位。");
    assert_eq!(cc.page, 2);
    assert_eq!(
        pdf.lines(2).last().unwrap().text(),
        "— 2 —",
        "a 版记 page after content is numbered"
    );
}

#[test]
fn a_blank_page_before_the_imprint_page_leaves_both_unnumbered() {
    let cc: Vec<String> = (1..=40).map(|i| format!("\"第{i}个抄送单位\"")).collect();
    let plan = format!(
        "title = \"关于空白页的通知\"\nbody = \"\"\"\n{}\"\"\"\ncc = [{}]\nprinted_by = \"某某办公室\"\ndate = 2024-01-02\nduplex = true\n",
        paragraphs(26),
        cc.join(", ")
    );
    let built = build_source("duplex-blank", &[("plan.toml", &plan)]);
    let pdf = &built.pdf;
    let last_body = pdf.find_line("第26段");
    assert_eq!(last_body.page, 2, "the body ends on an even page");
    assert_eq!(pdf.pages, 4);
    assert!(pdf.lines(3).is_empty(), "page 3 is blank, without a number");
    let imprint_page = pdf.lines(4);
    assert!(imprint_page.iter().any(|l| l.text().starts_with("抄送：")));
    assert!(
        !imprint_page.iter().any(|l| l.text().starts_with('—')),
        "the 版记 page after a blank page has no number"
    );
    assert_eq!(pdf.lines(2).last().unwrap().text(), "— 2 —");
}

#[test]
fn without_duplex_the_imprint_ends_the_last_page() {
    let built = build_source(
        "simplex",
        &[(
            "plan.toml",
            "title = \"关于单面印刷的通知\"\nbody = \"正文。\"\ncc = \"某某单位\"\nprinted_by = \"某某办公室\"\ndate = 2024-01-02\n",
        )],
    );
    assert_eq!(built.pdf.pages, 1);
}

#[test]
fn letter_format() {
    let built = build_source(
        "letter",
        &[(
            "plan.toml",
            "format = \"letter\"\nissuer = \"某某市人民政府办公室\"\nnumber = \"某办函〔2024〕5号\"\ncopy_number = \"000123\"\ntitle = \"关于商请支持的函\"\nto = \"某某省人民政府办公厅\"\nbody = \"\"\"\n现函商如下。\n\n专此函商。\n\"\"\"\ndate = 2024-02-03\ncc = \"某某单位\"\nprinted_by = \"不印出\"\n",
        )],
    );
    let pdf = &built.pdf;
    let mark = pdf.exact_line("某某市人民政府办公室");
    assert!(
        mark.glyphs.iter().all(|g| is_red(g.color)),
        "red issuer name, no 文件"
    );
    let top = mark.glyphs.iter().map(ink_top).fold(f64::MAX, f64::min);
    assert_near(top, 30.0, 0.2, "issuer 30mm from the paper's top");
    let red: Vec<_> = pdf
        .rules
        .iter()
        .filter(|r| r.page == 1 && is_red(r.color))
        .collect();
    assert!(red.len() >= 4, "two red double rules");
    for r in &red {
        assert_near((r.x1 - r.x2).abs(), 170.0, 0.1, "170mm rules");
        assert_near((r.x1 + r.x2) / 2.0, 105.0, 0.1, "centred on the paper");
    }
    let lowest = red.iter().map(|r| r.y1).fold(f64::MIN, f64::max);
    assert_near(
        lowest,
        297.0 - 20.0,
        0.5,
        "lower double rule 20mm above the paper's bottom",
    );
    let number = pdf.find_line("某办函〔2024〕5号");
    assert_near(number.right(), BODY_RIGHT, 0.05, "发文字号 flush right");
    let copy = pdf.find_line("000123");
    assert_near(copy.left(), MARGIN_LEFT, 0.05, "份号 flush left");
    assert!(
        !pdf.lines(1).iter().any(|l| l.text().starts_with('—')),
        "no page number on page 1"
    );
    assert!(
        pdf.rules.iter().all(|r| is_red(r.color)),
        "版记 without rules"
    );
    assert!(!built.text.contains("不印出"), "no 印发 line");
    assert!(built.text.contains("抄送：某某单位。"));
}

#[test]
fn order_format() {
    let built = build_source(
        "order",
        &[(
            "plan.toml",
            "format = \"order\"\nissuer = \"某某省人民政府\"\nnumber = \"第12号\"\nbody = \"《某某省实施办法》已经省政府常务会议通过，现予公布，自2024年5月1日起施行。\"\nsignature = \"省长  张三\"\ndate = 2024-03-01\n",
        )],
    );
    let pdf = &built.pdf;
    let mark = pdf.exact_line("某某省人民政府令");
    let top = mark.glyphs.iter().map(ink_top).fold(f64::MAX, f64::min);
    assert_near(top - MARGIN_TOP, 20.0, 0.2, "令 20mm below the 版心 top");
    assert!(mark.glyphs.iter().all(|g| is_red(g.color)));
    let number = pdf.exact_line("第12号");
    assert_near(
        number.left() - MARGIN_LEFT,
        BODY_RIGHT - number.right(),
        0.1,
        "令号 centred",
    );
    // 签名章 layout: title, two characters, name 右空四字; date under it.
    let signer = pdf.find_line("省长");
    let name: Vec<&Glyph> = signer
        .glyphs
        .iter()
        .filter(|g| g.ch == '张' || g.ch == '三')
        .collect();
    assert_near(
        name[1].right(),
        BODY_RIGHT - 4.0 * CELL,
        0.05,
        "name 右空四字",
    );
    let title_end = signer.glyphs[1].x + CELL;
    assert_near(
        name[0].x - title_end,
        2.0 * CELL,
        0.1,
        "title two characters left of the name",
    );
    let date = pdf.exact_line("2024年3月1日");
    assert_near(date.right(), BODY_RIGHT - 4.0 * CELL, 0.05, "date 右空四字");
    // One blank line under the 签名章 (here the printed name).
    assert_eq!(on_grid(&date), on_grid(&signer) + 2);
    let body = pdf.find_line("现予公布");
    let body_last = pdf
        .lines(body.page)
        .into_iter()
        .rfind(|l| l.y < signer.y && l.y >= body.y)
        .unwrap();
    assert_eq!(
        on_grid(&signer),
        on_grid(&body_last) + 3,
        "two blank lines under the body"
    );
    assert_eq!(
        on_grid(&body),
        on_grid(&number) + 3,
        "body two lines under the 令号"
    );
}

#[test]
fn minutes_format() {
    let built = build_source(
        "minutes",
        &[(
            "plan.toml",
            "format = \"minutes\"\nissuer = \"某某县人民政府常务会议\"\nnumber = \"第3期\"\ntitle = \"县政府第三次常务会议纪要\"\nbody = \"会议研究了有关事项。\"\nattendees = [\"张三\", \"李四\", \"王五\"]\nabsentees = \"赵六（出差）\"\nobservers = \"钱七\"\n",
        )],
    );
    let pdf = &built.pdf;
    let mark = pdf.exact_line("某某县人民政府常务会议纪要");
    let top = mark.glyphs.iter().map(ink_top).fold(f64::MAX, f64::min);
    assert_near(
        top - MARGIN_TOP,
        35.0,
        0.2,
        "纪要 mark 35mm below the 版心 top",
    );
    let present = pdf.find_line("出席：");
    assert!(
        present.glyphs[..3]
            .iter()
            .all(|g| g.font.starts_with("FandolHei")),
        "出席： in 黑体"
    );
    assert!(
        present.glyphs[3..]
            .iter()
            .all(|g| g.font.starts_with("FandolFang")),
        "names in 仿宋"
    );
    pdf.find_line("请假：赵六（出差）");
    pdf.find_line("列席：钱七");
    assert!(
        !built.text.contains("某某县人民政府常务会议\n"),
        "no 署名 unless given"
    );
}
