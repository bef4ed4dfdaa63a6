//! The 文件格式 of GB/T 9704-2012, measured on the PDFs of the shipped
//! examples: positions in mm, sizes, faces, colours, lines per page,
//! characters per line and page numbers.

mod support;

use support::pdf::Picture;
use support::*;

const FANG: &str = "FandolFang";
const HEI: &str = "FandolHei";
const KAI: &str = "FandolKai";
const XIAOBIAOSONG: &str = "NotoSerifCJKsc-Bold";
const SONG: &str = "NotoSerifCJKsc-Regular";

fn face(line: &Line) -> &str {
    &line.glyphs[0].font
}

fn all_in(line: &Line, font: &str) -> bool {
    line.glyphs.iter().all(|g| g.font.starts_with(font))
}

// ------------------------------------------------------------------ page

#[test]
fn pages_are_a4() {
    for built in [yonghe(), upward(), joint()] {
        for (w, h) in &built.pdf.page_sizes {
            assert_near(*w, 210.0, 0.1, "page width");
            assert_near(*h, 297.0, 0.1, "page height");
        }
    }
}

#[test]
fn a_full_page_has_22_lines_on_the_pitch_filling_the_body_area() {
    // Page 5 of the yonghe notice (the enclosed plan) is body text from
    // top to bottom.
    let lines: Vec<Line> = yonghe()
        .pdf
        .lines(5)
        .into_iter()
        .filter(|l| l.glyphs[0].size == 16.0)
        .collect();
    assert_eq!(
        lines.len(),
        22,
        "lines on a full page: {:#?}",
        lines.iter().map(Line::text).collect::<Vec<_>>()
    );
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(on_grid(line), i, "line {i} {:?}", line.text());
    }
    // 22 cells of 28.99pt fill the 225mm body area exactly.
    assert_near(PITCH * 72.0 / 25.4, 28.99, 0.01, "line pitch in pt");
    let first_em_top = lines[0].glyphs[0].em_top();
    let last_em_bottom = lines[21].glyphs[0].em_bottom();
    assert!(
        first_em_top > MARGIN_TOP && last_em_bottom < BODY_BOTTOM,
        "text inside the 版心"
    );
    assert_near(
        first_em_top - MARGIN_TOP,
        BODY_BOTTOM - last_em_bottom,
        0.05,
        "equal space above and below",
    );
}

#[test]
fn every_full_line_holds_28_characters_and_nothing_overhangs() {
    let mut full_lines = 0;
    for built in [yonghe(), upward(), joint()] {
        for line in built.pdf.all_lines() {
            let g = &line.glyphs[0];
            if g.size != 16.0 || g.font.starts_with(SONG) {
                continue;
            }
            assert!(
                line.left() >= MARGIN_LEFT - 0.01,
                "{:?} starts left of the 版心",
                line.text()
            );
            assert!(
                line.right() <= BODY_RIGHT + 0.01,
                "{:?} overhangs the 版心 by {:.2}mm",
                line.text(),
                line.right() - BODY_RIGHT
            );
            let flush_left = (line.left() - MARGIN_LEFT).abs() < 0.01;
            let flush_right = (line.right() - BODY_RIGHT).abs() < 0.02;
            if flush_left && flush_right && line.text().chars().all(is_full_width) {
                // A closing mark may not start a line (禁则): when the 28th
                // character is followed by one, the character goes down with
                // it and the 27 left are spread over the line.
                let next = built
                    .pdf
                    .lines(line.page)
                    .into_iter()
                    .find(|l| l.y > line.y + 1.0);
                let pushed_down = next.is_some_and(|n| {
                    n.text()
                        .chars()
                        .nth(1)
                        .is_some_and(|c| "，。、；：？！”’）》】〕〗」』".contains(c))
                });
                if line.glyphs.len() == 27 && pushed_down {
                    continue;
                }
                full_lines += 1;
                assert_eq!(line.glyphs.len(), 28, "a full line: {:?}", line.text());
                // Each character sits in its own cell. A 16pt em box is a
                // little wider than a 15.79pt cell, so the line is set so the
                // last em box ends on the edge: positions drift by at most
                // that difference (0.08mm) across the line.
                for (i, g) in line.glyphs.iter().enumerate() {
                    assert_near(
                        g.x,
                        MARGIN_LEFT + i as f64 * CELL,
                        0.08,
                        &format!("cell {i} of {:?}", line.text()),
                    );
                }
            }
        }
    }
    assert!(full_lines > 50, "only {full_lines} full lines checked");
}

#[test]
fn punctuation_takes_a_full_cell() {
    // A line with a run of marks: “ ” 、 ， 。 each advance one cell.
    let line = yonghe().pdf.find_line("“安全生产万里行”“消防宣传月”");
    let text: Vec<char> = line.text().chars().collect();
    for (i, pair) in line.glyphs.windows(2).enumerate() {
        if is_full_width(text[i]) && is_full_width(text[i + 1]) {
            assert_near(
                pair[1].x - pair[0].x,
                CELL,
                0.01,
                &format!("{}{}", text[i], text[i + 1]),
            );
        }
    }
}

#[test]
fn body_text_is_black_3hao_fangsong_indented_two_characters() {
    let built = yonghe();
    let first = built.pdf.find_line("现将《永和镇2020年");
    assert!(all_in(&first, FANG), "body face {}", face(&first));
    assert!(
        first
            .glyphs
            .iter()
            .all(|g| g.size == 16.0 && g.color == [0.0; 3])
    );
    assert_near(
        first.left(),
        MARGIN_LEFT + 2.0 * CELL,
        0.02,
        "first line indent",
    );
    let wrapped = built.pdf.find_line("给你们，请结合实际");
    assert_near(
        wrapped.left(),
        MARGIN_LEFT,
        0.02,
        "wrapped lines flush left",
    );
}

// ------------------------------------------------------------------ 版头

#[test]
fn copy_number_secrecy_and_urgency_stack_top_left_in_heiti() {
    let pdf = &upward().pdf;
    let lines = pdf.lines(1);
    let expect = [("000018", 0), ("秘密★1年", 1), ("特急", 2)];
    for (text, index) in expect {
        let line = lines
            .iter()
            .find(|l| l.text() == text)
            .unwrap_or_else(|| panic!("no line {text}"));
        assert_eq!(on_grid(line), index, "{text} on line {}", index + 1);
        assert_near(line.left(), MARGIN_LEFT, 0.01, text);
        assert!(all_in(line, HEI), "{text} in 黑体, found {}", face(line));
        assert_eq!(line.glyphs[0].size, 16.0, "{text} in 3号");
    }
}

#[test]
fn issuer_mark_is_red_xiaobiaosong_centred_35mm_below_the_body_top() {
    let pdf = &yonghe().pdf;
    let mark = pdf.find_line("永和镇人民政府文件");
    assert!(all_in(&mark, XIAOBIAOSONG), "mark face {}", face(&mark));
    assert!(mark.glyphs.iter().all(|g| is_red(g.color)), "mark is red");
    let top = mark.glyphs.iter().map(ink_top).fold(f64::MAX, f64::min);
    assert_near(
        top - MARGIN_TOP,
        35.0,
        0.1,
        "mark top edge below the 版心 top",
    );
    assert_near(
        mark.left() - MARGIN_LEFT,
        BODY_RIGHT - mark.right(),
        0.1,
        "mark centred",
    );
}

#[test]
fn a_long_mark_is_narrowed_to_one_line_of_the_body_width() {
    let pdf = &upward().pdf;
    let mark = pdf.find_line("常州市天宁区应急管理局文件");
    assert!(
        mark.glyphs.iter().all(|g| g.x_scale < 0.95),
        "narrowed: x scale {}",
        mark.glyphs[0].x_scale
    );
    assert!(
        mark.glyphs.iter().all(|g| g.size == mark.glyphs[0].size),
        "one line, one size"
    );
    assert_near(
        mark.left(),
        MARGIN_LEFT,
        0.2,
        "narrowed mark starts at the left edge",
    );
    assert_near(
        mark.right(),
        BODY_RIGHT,
        0.2,
        "narrowed mark ends at the right edge",
    );
}

#[test]
fn joint_issuers_stack_with_one_wenjian_centred_beside_them() {
    let pdf = &joint().pdf;
    let first = pdf.find_line("蓬溪县应急管理局");
    let second = pdf.find_line("蓬溪县消防救援大队");
    let suffix: Vec<&Glyph> = pdf
        .glyphs
        .iter()
        .filter(|g| g.page == 1 && is_red(g.color) && (g.ch == '文' || g.ch == '件'))
        .collect();
    assert_eq!(suffix.len(), 2, "one 文件");
    assert!(first.y < second.y, "the 主办机关 comes first");
    // Names are spread to the same width.
    assert_near(first.left(), second.left(), 0.1, "names aligned left");
    assert_near(first.right(), second.right(), 0.1, "names aligned right");
    assert!(
        suffix[0].x > second.right(),
        "文件 to the right of the names"
    );
    let middle = (first.y + second.y) / 2.0;
    assert_near(suffix[0].y, middle, 0.5, "文件 centred on the stack");
    let top = first.glyphs.iter().map(ink_top).fold(f64::MAX, f64::min);
    assert_near(top - MARGIN_TOP, 35.0, 0.2, "stack top edge");
    let left = first.left();
    let right = suffix[1].right();
    assert_near(left - MARGIN_LEFT, BODY_RIGHT - right, 0.2, "stack centred");
}

#[test]
fn number_sits_two_lines_under_the_mark_and_the_red_rule_4mm_under_it() {
    let pdf = &yonghe().pdf;
    let mark = pdf.find_line("永和镇人民政府文件");
    let number = pdf.find_line("晋永政文〔2020〕60号");
    assert!(
        all_in(&number, FANG) && number.glyphs[0].size == 16.0,
        "number in 3号仿宋"
    );
    assert_near(
        number.left() - MARGIN_LEFT,
        BODY_RIGHT - number.right(),
        0.1,
        "number centred",
    );
    let mark_bottom = mark.glyphs.iter().map(ink_bottom).fold(f64::MIN, f64::max);
    let line = on_grid(&number);
    let cell_top = MARGIN_TOP + line as f64 * PITCH;
    let gap = cell_top - mark_bottom;
    assert!(
        (2.0 * PITCH..3.0 * PITCH).contains(&gap),
        "two blank lines between mark and number: gap {gap:.2}mm"
    );

    let red: Vec<&_> = pdf
        .rules
        .iter()
        .filter(|r| r.page == 1 && is_red(r.color))
        .collect();
    assert_eq!(red.len(), 1, "one red separator");
    let rule = red[0];
    assert_near(
        rule.x1.min(rule.x2),
        MARGIN_LEFT,
        0.05,
        "rule starts at the 版心 left",
    );
    assert_near(
        rule.x1.max(rule.x2),
        BODY_RIGHT,
        0.05,
        "rule ends at the 版心 right",
    );
    assert_near(
        rule.y1 - number.glyphs[0].em_bottom(),
        4.0,
        0.1,
        "rule 4mm under the number",
    );
    assert_near(rule.weight, 25.4 / 72.0, 0.05, "rule about 1pt");
}

#[test]
fn upward_layout_puts_number_left_and_signers_right_on_one_line() {
    let pdf = &upward().pdf;
    let number = pdf.find_line("常天应急〔2020〕11号");
    assert_near(number.left(), MARGIN_LEFT + CELL, 0.05, "number 左空一字");
    let first = pdf.find_line("签发人");
    let label: Vec<&Glyph> = first.glyphs.iter().take(4).collect();
    assert_eq!(label.iter().map(|g| g.ch).collect::<String>(), "签发人：");
    assert!(
        label.iter().all(|g| g.font.starts_with(FANG)),
        "签发人： in 仿宋"
    );
    let names: Vec<&Glyph> = first.glyphs.iter().skip(4).collect();
    assert!(
        names.iter().all(|g| g.font.starts_with(KAI)),
        "names in 楷体"
    );
    assert_eq!(
        names.iter().map(|g| g.ch).collect::<String>(),
        "张建国李明华",
        "two names a line"
    );
    // The third name wraps onto the number's line, aligned with the first name.
    let last_name: Vec<&Glyph> = number
        .glyphs
        .iter()
        .filter(|g| g.font.starts_with(KAI))
        .collect();
    assert_eq!(
        last_name.iter().map(|g| g.ch).collect::<String>(),
        "欧阳志远"
    );
    assert_near(last_name[0].x, names[0].x, 0.05, "names aligned");
    assert_eq!(
        on_grid(&number),
        on_grid(&first) + 1,
        "number on the last signer line"
    );
    let right = first.right().max(number.right());
    assert_near(right, BODY_RIGHT - CELL, 0.05, "signers 右空一字");
    let rule = pdf
        .rules
        .iter()
        .find(|r| r.page == 1 && is_red(r.color))
        .expect("red rule");
    assert_near(
        rule.y1 - number.glyphs[0].em_bottom(),
        4.0,
        0.1,
        "rule 4mm under the number line",
    );
}

// ------------------------------------------------------------------ 主体

#[test]
fn title_is_2hao_xiaobiaosong_centred_two_lines_under_the_rule_and_balanced() {
    let pdf = &yonghe().pdf;
    let rule = pdf
        .rules
        .iter()
        .find(|r| r.page == 1 && is_red(r.color))
        .unwrap();
    let lines: Vec<Line> = pdf
        .lines(1)
        .into_iter()
        .filter(|l| l.glyphs[0].size == 22.0)
        .collect();
    assert_eq!(lines.len(), 2);
    let text: String = lines.iter().map(Line::text).collect();
    assert_eq!(
        text,
        "永和镇人民政府关于印发2020年应急管理宣传教育培训工作要点的通知"
    );
    for line in &lines {
        assert!(all_in(line, XIAOBIAOSONG), "title face {}", face(line));
        assert_near(
            line.left() - MARGIN_LEFT,
            BODY_RIGHT - line.right(),
            0.1,
            "title line centred",
        );
    }
    assert_near(
        lines[0].glyphs[0].em_top() - rule.y1,
        2.0 * PITCH,
        0.6,
        "two blank lines under the rule",
    );
    // A trapezoid, longer line first, broken between words (应急管理 whole).
    assert!(lines[0].right() - lines[0].left() >= lines[1].right() - lines[1].left());
    assert!(
        lines[0].text().ends_with("应急管理"),
        "break after 应急管理: {:?}",
        lines[0].text()
    );
}

#[test]
fn titles_never_break_inside_a_word_and_stay_balanced() {
    let pdf = &joint().pdf;
    let lines: Vec<Line> = pdf
        .lines(1)
        .into_iter()
        .filter(|l| l.glyphs[0].size == 22.0)
        .collect();
    let texts: Vec<String> = lines.iter().map(Line::text).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts[0].ends_with("蓬溪县消防救援大队"),
        "issuer names kept whole: {texts:?}"
    );
    let widths: Vec<f64> = lines.iter().map(|l| l.right() - l.left()).collect();
    assert!(
        widths[2] <= widths[1] + 0.5 && widths[2] <= widths[0] + 0.5,
        "no widening towards the bottom: {widths:?}"
    );
}

#[test]
fn addressee_is_flush_left_one_line_under_the_title_and_ends_with_a_colon() {
    let pdf = &yonghe().pdf;
    let title_last = pdf.find_line("宣传教育培训工作要点的通知");
    let to = pdf.find_line("各村、各工作点、镇有关单位：");
    assert_near(to.left(), MARGIN_LEFT, 0.01, "主送 flush left");
    let title_line = grid_line(&title_last).round() as usize;
    assert_eq!(
        on_grid(&to),
        title_line + 2,
        "one blank line between title and 主送"
    );
    assert!(to.text().ends_with('：'));
}

#[test]
fn heading_levels_have_their_faces() {
    let pdf = &joint().pdf;
    let level = |needle: &str| pdf.find_line(needle);
    let h1 = level("一、整合力量");
    assert!(
        h1.glyphs.iter().take(10).all(|g| g.font.starts_with(HEI)),
        "一、 in 黑体: {}",
        face(&h1)
    );
    let h2 = level("（一）整合部门资源。");
    let run_in: Vec<&Glyph> = h2
        .glyphs
        .iter()
        .take("（一）整合部门资源。".chars().count())
        .collect();
    assert!(
        run_in.iter().all(|g| g.font.starts_with(KAI)),
        "（一） heading in 楷体"
    );
    let rest = &h2.glyphs["（一）整合部门资源。".chars().count()..];
    assert!(
        rest.iter().all(|g| g.font.starts_with(FANG)),
        "the paragraph it runs into in 仿宋"
    );
    let h3 = level("1.县应急局");
    assert!(all_in(&h3, FANG), "1. in 仿宋");
    let h4 = level("（1）企业以");
    assert!(all_in(&h4, FANG), "（1） in 仿宋");
    for line in [&h1, &h2, &h3, &h4] {
        assert_near(
            line.left(),
            MARGIN_LEFT + 2.0 * CELL,
            0.02,
            "headings indented two characters",
        );
    }
    // Emphasis and strong use 楷体 and 黑体 (the fonts have no bold).
    let strong = pdf
        .glyphs
        .iter()
        .find(|g| g.ch == '季' && g.font.starts_with(HEI));
    assert!(strong.is_some(), "**每季度末** in 黑体");
}

#[test]
fn attachment_list_is_indented_with_names_aligned() {
    let pdf = &upward().pdf;
    let first = pdf.find_line("附件：1.2020年度安全生产专项资金使用计划表");
    let second = pdf.find_line("2.天宁区2019年度");
    assert_near(
        first.left(),
        MARGIN_LEFT + 2.0 * CELL,
        0.02,
        "附件说明 indented two characters",
    );
    // `2.` sits under `1.`, the names under each other.
    let one = first.glyphs.iter().position(|g| g.ch == '1').unwrap();
    assert_near(second.left(), first.glyphs[one].x, 0.05, "numbers aligned");
    assert_near(
        second.glyphs[2].x,
        first.glyphs[one + 2].x,
        0.05,
        "names aligned",
    );
    assert!(
        !first.text().ends_with(['。', '；', '，']),
        "no punctuation after names"
    );
    // One blank line under the body (the example's page is tightened to
    // keep the closing with the body: lines on that page's pitch).
    let body_end = pdf.find_line("妥否，请批示。");
    let p = page_pitch(pdf, first.page);
    assert_eq!(on_grid_with(&first, p), on_grid_with(&body_end, p) + 2);
}

#[test]
fn wrapped_attachment_names_align_under_the_first_character_of_the_name() {
    let dir = scratch("wrapped-attachment-names");
    std::fs::write(
        dir.join("plan.toml"),
        "title = \"关于测试的通知\"\nbody = \"正文。\"\n\n[[attachments]]\ntitle = \"一个非常非常长的附件名称需要折行才能完整地显示在版心之内并且对齐到名称的第一个字\"\nbody = \"内容。\"\n\n[[attachments]]\ntitle = \"第二个附件\"\nbody = \"内容。\"\n",
    )
    .unwrap();
    let built = build_plan(&dir.join("plan.toml"));
    let first = built.pdf.find_line("附件：1.一个非常");
    let lines = built.pdf.lines(1);
    let i = lines.iter().position(|l| l.text() == first.text()).unwrap();
    let wrapped = &lines[i + 1];
    let name_start = first.glyphs.iter().position(|g| g.ch == '一').unwrap();
    assert_near(
        wrapped.left(),
        first.glyphs[name_start].x,
        0.05,
        "wrapped name aligned",
    );
}

#[test]
fn unsealed_signature_and_date_follow_the_two_character_rules() {
    let pdf = &yonghe().pdf;
    let issuer = pdf.find_line("晋江市永和镇人民政府");
    let date = pdf.find_line("2020年6月1日");
    let notes = pdf.find_line("附件：");
    assert_eq!(
        on_grid(&issuer),
        on_grid(&notes) + 2,
        "one blank line under the 附件说明"
    );
    assert_near(
        issuer.right(),
        BODY_RIGHT - 2.0 * CELL,
        0.05,
        "issuer 右空二字",
    );
    assert_eq!(
        on_grid(&date),
        on_grid(&issuer) + 1,
        "date on the next line"
    );
    assert_near(
        date.left(),
        issuer.left() + 2.0 * CELL,
        0.05,
        "date two characters right of the issuer",
    );
    assert_eq!(date.text(), "2020年6月1日", "Arabic numerals, no padding");
}

#[test]
fn a_date_longer_than_the_issuer_moves_the_issuer_left() {
    let built = build_source(
        "long-date",
        &[(
            "plan.toml",
            "issuer = \"某局\"\ntitle = \"关于测试的通知\"\nbody = \"正文。\"\ndate = 2020-12-27\n",
        )],
    );
    let issuer = built.pdf.exact_line("某局");
    let date = built.pdf.find_line("2020年12月27日");
    assert_near(date.right(), BODY_RIGHT - 2.0 * CELL, 0.05, "date 右空二字");
    assert_near(
        date.left(),
        issuer.left() + 2.0 * CELL,
        0.05,
        "issuer two characters left of the date",
    );
}

#[test]
fn sealed_layout_centres_issuer_and_seal_on_the_date() {
    let pdf = &upward().pdf;
    let date = pdf.find_line("2020年3月27日");
    let issuer = pdf.exact_line("常州市天宁区应急管理局");
    assert_near(date.right(), BODY_RIGHT - 4.0 * CELL, 0.05, "date 右空四字");
    let date_centre = (date.left() + date.right()) / 2.0;
    assert_near(
        (issuer.left() + issuer.right()) / 2.0,
        date_centre,
        0.1,
        "issuer centred over the date",
    );
    let p = page_pitch(pdf, date.page);
    assert_eq!(on_grid_with(&date, p), on_grid_with(&issuer, p) + 1);
    // The seal (vector art from SVG): the union of the red shapes on the page.
    let red: Vec<&Shape> = pdf
        .shapes
        .iter()
        .filter(|s| s.page == date.page && is_red(s.color))
        .collect();
    assert!(!red.is_empty(), "a red seal on the date's page");
    let left = red.iter().map(|s| s.left).fold(f64::MAX, f64::min);
    let right = red.iter().map(|s| s.right).fold(f64::MIN, f64::max);
    let top = red.iter().map(|s| s.top).fold(f64::MAX, f64::min);
    let bottom = red.iter().map(|s| s.bottom).fold(f64::MIN, f64::max);
    // The example's ring is drawn 392/420 of its 42mm image (outline path
    // without the stroke's width).
    assert_near(
        right - left,
        42.0 * 392.0 / 420.0,
        0.2,
        "seal image 42mm wide",
    );
    assert_near(
        (left + right) / 2.0,
        date_centre,
        0.1,
        "seal centred on the date",
    );
    // The two lines sit in the seal's lower half.
    let text_middle = MARGIN_TOP + (on_grid_with(&date, p) as f64) * p;
    assert!(
        (top + bottom) / 2.0 < text_middle,
        "text below the seal's centre"
    );
    assert!(
        bottom > date.glyphs[0].em_top() && top < issuer.glyphs[0].em_top(),
        "seal covers issuer and date"
    );
    // Its top within one line of the text above.
    let above = pdf
        .lines(date.page)
        .into_iter()
        .rfind(|l| l.y < issuer.y - 1.0)
        .expect("text above the seal on the same page");
    let above_bottom = MARGIN_TOP + (on_grid_with(&above, p) + 1) as f64 * p;
    let gap = top - above_bottom;
    assert!(
        (-0.1..p).contains(&gap),
        "seal top {gap:.2}mm below the text above"
    );
}

/// A joint notice sealed by each issuer (PNG seals, so each is one picture).
fn jointly_sealed(name: &str, issuers: &[&str]) -> Built {
    let dir = scratch(name);
    std::fs::copy(repo().join("tests/fixtures/seal.png"), dir.join("seal.png")).unwrap();
    let quoted: Vec<String> = issuers.iter().map(|i| format!("\"{i}\"")).collect();
    let seals = vec!["\"seal.png\""; issuers.len()].join(", ");
    let plan = format!(
        "issuer = [{}]\nnumber = \"甲交〔2024〕5号\"\ntitle = \"关于开展道路交通安全联合检查的通知\"\n\
         to = \"各县（区）人民政府\"\nbody = \"现就开展联合检查有关事项通知如下。\"\n\
         date = 2024-05-06\nseal = [{seals}]\n",
        quoted.join(", ")
    );
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    build_plan(&dir.join("plan.toml"))
}

fn centre(left: f64, right: f64) -> f64 {
    (left + right) / 2.0
}

#[test]
fn joint_seals_sit_side_by_side_one_per_issuer_the_last_over_the_date() {
    let built = jointly_sealed("joint-seals-2", &["甲市交通运输局", "甲市公安局"]);
    let pdf = &built.pdf;
    let date = pdf.find_line("2024年5月6日");
    assert_near(date.right(), BODY_RIGHT - 4.0 * CELL, 0.05, "date 右空四字");
    let names = pdf
        .lines(date.page)
        .into_iter()
        .find(|l| l.text().contains("甲市交通运输局") && l.text().contains("甲市公安局"))
        .expect("both issuers' names on one line");
    assert_eq!(
        on_grid(&names) + 1,
        on_grid(&date),
        "date on the line under the names"
    );
    let mut seals: Vec<&Picture> = pdf
        .pictures
        .iter()
        .filter(|p| p.page == date.page)
        .collect();
    assert_eq!(seals.len(), 2, "one seal per issuer");
    seals.sort_by(|a, b| a.left.total_cmp(&b.left));
    let (first, last) = (seals[0], seals[1]);
    for seal in [first, last] {
        assert_near(seal.width, 42.0, 0.05, "seal 42mm wide");
        assert!(
            seal.left >= MARGIN_LEFT - 0.01 && seal.left + seal.width <= BODY_RIGHT + 0.01,
            "seal inside the 版心"
        );
    }
    assert_near(first.top, last.top, 0.01, "seals side by side in one row");
    assert!(
        first.left + first.width < last.left,
        "seals neither overlap nor touch"
    );
    // The last seal centred on the date (and the last issuer over it), the
    // first centred on the first issuer.
    let date_centre = centre(date.left(), date.right());
    assert_near(
        centre(last.left, last.left + last.width),
        date_centre,
        0.1,
        "last seal on the date",
    );
    let glyphs_of = |name: &str| -> (f64, f64) {
        let text: Vec<char> = names.glyphs.iter().map(|g| g.ch).collect();
        let chars: Vec<char> = name.chars().collect();
        let at = text
            .windows(chars.len())
            .position(|w| w == chars.as_slice())
            .unwrap();
        (
            names.glyphs[at].x,
            names.glyphs[at + chars.len() - 1].right(),
        )
    };
    let (l, r) = glyphs_of("甲市公安局");
    assert_near(
        centre(l, r),
        date_centre,
        0.1,
        "last issuer centred over the date",
    );
    let (l, r) = glyphs_of("甲市交通运输局");
    assert_near(
        centre(l, r),
        centre(first.left, first.left + first.width),
        0.1,
        "first seal on the first issuer",
    );
    // Names and date in the seals' lower half; the top within one line of
    // the text above.
    assert!(
        last.top < names.glyphs[0].em_top() && last.top + last.height > date.glyphs[0].em_bottom()
    );
    let above = pdf
        .lines(date.page)
        .into_iter()
        .rfind(|l| l.y < names.y - 1.0)
        .expect("text above the seals");
    let gap = first.top - (MARGIN_TOP + (on_grid(&above) + 1) as f64 * PITCH);
    assert!(
        (-0.1..PITCH).contains(&gap),
        "seal top {gap:.2}mm below the text above"
    );
}

#[test]
fn three_joint_seals_wrap_into_aligned_rows_that_do_not_touch() {
    let built = jointly_sealed(
        "joint-seals-3",
        &["甲市交通运输局", "甲市公安局", "甲市应急管理局"],
    );
    let pdf = &built.pdf;
    let date = pdf.find_line("2024年5月6日");
    let mut seals: Vec<&Picture> = pdf
        .pictures
        .iter()
        .filter(|p| p.page == date.page)
        .collect();
    assert_eq!(seals.len(), 3);
    seals.sort_by(|a, b| (a.top, a.left).partial_cmp(&(b.top, b.left)).unwrap());
    let (row1, row2) = (&seals[..2], &seals[2..]);
    assert_near(row1[0].top, row1[1].top, 0.01, "first row side by side");
    assert!(
        row1[0].top + row1[0].height < row2[0].top,
        "rows do not touch"
    );
    assert_near(
        row2[0].left,
        row1[1].left,
        0.01,
        "columns aligned, ending over the date",
    );
    assert_near(
        centre(row2[0].left, row2[0].left + row2[0].width),
        centre(date.left(), date.right()),
        0.1,
        "last seal on the date",
    );
    assert!(
        seals
            .iter()
            .all(|s| s.left >= MARGIN_LEFT - 0.01 && s.left + s.width <= BODY_RIGHT + 0.01)
    );
    // The text twin keeps the issuers in order, then the date.
    let at = |needle: &str| built.text.rfind(needle).unwrap();
    assert!(at("甲市交通运输局") < at("甲市公安局"));
    assert!(at("甲市公安局") < at("甲市应急管理局"));
    assert!(at("甲市应急管理局") < at("2024年5月6日"));
}

#[test]
fn the_signature_never_stands_alone_on_a_page() {
    for (built, issuer) in [
        (yonghe(), "晋江市永和镇人民政府"),
        (upward(), "常州市天宁区应急管理局"),
        (joint(), "蓬溪县消防救援大队"),
    ] {
        let pdf = &built.pdf;
        let signature = pdf
            .all_lines()
            .into_iter()
            .rfind(|l| l.text() == issuer)
            .unwrap();
        let before = pdf
            .lines(signature.page)
            .into_iter()
            .filter(|l| l.y < signature.y && l.glyphs[0].size == 16.0)
            .count();
        assert!(
            before >= 2,
            "{issuer}: only {before} lines above the signature on its page"
        );
    }
}

#[test]
fn note_is_in_parentheses_indented_under_the_date() {
    let pdf = &yonghe().pdf;
    let date = pdf.find_line("2020年6月1日");
    let note = pdf.find_line("（此件公开发布）");
    assert_eq!(
        on_grid(&note),
        on_grid(&date) + 1,
        "the line under the date"
    );
    assert_near(
        note.left(),
        MARGIN_LEFT + 2.0 * CELL,
        0.02,
        "indented two characters",
    );
}

#[test]
fn attachments_start_a_page_with_label_on_line_1_and_title_on_line_3() {
    let pdf = &upward().pdf;
    for (label, title) in [
        ("附件1", "2020年度安全生产专项资金使用计划表"),
        ("附件2", "天宁区2019年度安全生产"),
    ] {
        let label_line = pdf.find_line(label);
        assert_eq!(
            pdf.lines(label_line.page)[0].text(),
            label,
            "label first on its page"
        );
        assert_eq!(on_grid(&label_line), 0, "label on line 1");
        assert_near(label_line.left(), MARGIN_LEFT, 0.01, "label top-left");
        assert!(all_in(&label_line, HEI), "label in 黑体");
        let title_line = pdf
            .lines(label_line.page)
            .into_iter()
            .find(|l| l.text().contains(title))
            .unwrap();
        assert_eq!(on_grid(&title_line), 2, "title on line 3");
        assert_eq!(title_line.glyphs[0].size, 22.0);
        assert_near(
            title_line.left() - MARGIN_LEFT,
            BODY_RIGHT - title_line.right(),
            0.1,
            "title centred",
        );
    }
}

#[test]
fn landscape_tables_turn_on_portrait_pages_keeping_page_numbers() {
    let pdf = &yonghe().pdf;
    let turned: Vec<usize> = {
        let mut pages: Vec<usize> = pdf
            .glyphs
            .iter()
            .filter(|g| (g.angle - 90.0).abs() < 1.0)
            .map(|g| g.page)
            .collect();
        pages.dedup();
        pages
    };
    assert!(!turned.is_empty(), "the schedule is set turned");
    for page in &turned {
        let (w, h) = pdf.page_sizes[page - 1];
        assert!(w < h, "page {page} stays portrait");
        let number = pdf.lines(*page).into_iter().last().expect("page number");
        assert_eq!(
            number.text(),
            format!("— {page} —"),
            "upright page number on page {page}"
        );
    }
    // The table's header is towards the binding edge (left): the turned
    // text's top faces left, so its lines run bottom to top.
    let header = pdf
        .glyphs
        .iter()
        .find(|g| g.ch == '序' && (g.angle - 90.0).abs() < 1.0)
        .unwrap();
    let last_row = pdf
        .glyphs
        .iter()
        .rfind(|g| g.page == header.page && g.ch.is_ascii_digit() && (g.angle - 90.0).abs() < 1.0)
        .unwrap();
    assert!(header.x < last_row.x, "header row nearer the binding edge");
}

// ------------------------------------------------------------------ 版记

#[test]
fn imprint_sits_at_the_foot_of_the_last_page_between_rules() {
    let pdf = &yonghe().pdf;
    let last = pdf.pages;
    let rules: Vec<&_> = pdf
        .rules
        .iter()
        .filter(|r| r.page == last && !is_red(r.color))
        .collect();
    assert_eq!(rules.len(), 3, "three rules (抄送 and 印发)");
    for r in &rules {
        assert_near(r.x1.min(r.x2), MARGIN_LEFT, 0.05, "rule from the 版心 left");
        assert_near(r.x1.max(r.x2), BODY_RIGHT, 0.05, "to the 版心 right");
    }
    let mut ys: Vec<(f64, f64)> = rules.iter().map(|r| (r.y1, r.weight)).collect();
    ys.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_near(ys[2].0, BODY_BOTTOM, 0.05, "last rule on the 版心 bottom");
    assert_near(ys[0].1, 0.35, 0.01, "first rule 0.35mm");
    assert_near(ys[1].1, 0.25, 0.01, "middle rule 0.25mm");
    assert_near(ys[2].1, 0.35, 0.01, "last rule 0.35mm");

    let cc = pdf.find_line("抄送：镇党委、人大、政府领导班子成员。");
    let four_hao = 14.0 * PT_TO_MM;
    assert!(
        cc.glyphs
            .iter()
            .all(|g| g.size == 14.0 && g.font.starts_with(FANG)),
        "抄送 in 4号仿宋"
    );
    assert_near(cc.left(), MARGIN_LEFT + four_hao, 0.02, "抄送 左空一字");
    assert!(
        cc.y > ys[0].0 && cc.y < ys[1].0,
        "抄送 between the first two rules"
    );
    let printed = pdf.find_line("永和镇党政办公室");
    assert_near(
        printed.left(),
        MARGIN_LEFT + four_hao,
        0.02,
        "印发机关 左空一字",
    );
    assert_near(
        printed.right(),
        BODY_RIGHT - four_hao,
        0.05,
        "印发日期 右空一字",
    );
    assert!(printed.text().ends_with("2020年6月1日印发"));
    assert!(
        printed.y > ys[1].0 && printed.y < ys[2].0,
        "印发 line just above the last rule"
    );
}

#[test]
fn wrapped_cc_lines_align_after_the_colon() {
    let built = build_source(
        "long-cc",
        &[(
            "plan.toml",
            "title = \"关于测试的通知\"\nbody = \"正文。\"\ncc = [\"市委办公室\", \"市人大常委会办公室\", \"市政府办公室\", \"市政协办公室\", \"市纪委监委\", \"市中级人民法院\", \"市人民检察院\", \"各人民团体\"]\nprinted_by = \"某某办公室\"\ndate = 2020-03-27\n",
        )],
    );
    let pdf = &built.pdf;
    let first = pdf.find_line("抄送：");
    let lines = pdf.lines(first.page);
    let i = lines.iter().position(|l| l.text() == first.text()).unwrap();
    let wrapped: Vec<&Line> = lines[i + 1..]
        .iter()
        .take_while(|l| !l.text().contains("印发"))
        .collect();
    assert!(!wrapped.is_empty(), "the 抄送 line wraps");
    for line in &wrapped {
        assert_near(
            line.left(),
            first.glyphs[3].x,
            0.05,
            "wrapped 抄送 names aligned after the colon",
        );
    }
    assert!(wrapped.last().unwrap().text().ends_with('。'));
    assert!(
        first.right() <= BODY_RIGHT - 14.0 * PT_TO_MM + 0.05,
        "右空一字"
    );
}

// ------------------------------------------------------------------ page numbers

#[test]
fn page_numbers_are_4hao_songti_7mm_under_the_body_alternating_sides() {
    for built in [yonghe(), upward(), joint()] {
        let pdf = &built.pdf;
        for page in 1..=pdf.pages {
            let number = pdf.lines(page).into_iter().last().unwrap();
            assert_eq!(
                number.text(),
                format!("— {page} —"),
                "page {page} numbered in order"
            );
            assert!(
                all_in(&number, SONG) && number.glyphs[0].size == 14.0,
                "4号宋体"
            );
            let dash = &number.glyphs[0];
            let (bottom, top) = ink_em(&dash.font, '—');
            let dash_centre = dash.y - (bottom + top) / 2.0 * dash.size * PT_TO_MM;
            assert_near(
                dash_centre,
                BODY_BOTTOM + 7.0,
                0.05,
                "dash line 7mm under the 版心",
            );
            let one = 14.0 * PT_TO_MM;
            if page % 2 == 1 {
                assert_near(number.right(), BODY_RIGHT - one, 0.05, "odd page 右空一字");
            } else {
                assert_near(number.left(), MARGIN_LEFT + one, 0.05, "even page 左空一字");
            }
        }
    }
}

// ------------------------------------------------------------------ whole document

#[test]
fn the_same_plan_gives_the_same_bytes() {
    let again = build_example("yonghe-notice", "plan.toml");
    assert!(
        again.pdf_bytes == yonghe().pdf_bytes,
        "PDF differs between two builds"
    );
    assert_eq!(again.text, yonghe().text);
}

#[test]
fn pdfs_stay_small_with_subset_simplified_fonts() {
    // The benchmark notice (324 distinct 仿宋 characters) was 199 KB with
    // Fandol's original outlines and is about 150 KB with the simplified
    // ones (fonts/README.md); a font embedded whole, or the original
    // outlines back, would show here.
    let dir = scratch("size");
    copy_dir(&repo().join("bench/table-notice"), &dir);
    let built = build_plan(&dir.join("plan.toml"));
    assert_eq!(built.pdf.page_sizes.len(), 3);
    let size = built.pdf_bytes.len();
    assert!(size < 160_000, "the benchmark notice is {size} bytes");
}

#[test]
fn pdf_metadata_comes_from_the_plan() {
    let bytes = &yonghe().pdf_bytes;
    let text = String::from_utf8_lossy(bytes);
    assert!(text.contains("2020-06-01"), "document date from the plan");
    // Every date the PDF records (XMP `2020-06-01`, info `D:20200601`) is the
    // plan's: no build-time date.
    let dates = regex::Regex::new(r"\b(?:19|20)\d\d-\d\d-\d\d|D:\d{8}").unwrap();
    let found: Vec<&str> = dates.find_iter(&text).map(|m| m.as_str()).collect();
    assert!(!found.is_empty());
    for date in found {
        assert!(
            date == "2020-06-01" || date == "D:20200601",
            "a date not from the plan: {date}"
        );
    }
}

/// The runs of a line's glyphs that follow each other without a gap of
/// half a character or more.
fn pieces(line: &Line) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last_right = f64::NEG_INFINITY;
    for g in &line.glyphs {
        if g.ch == ' ' {
            continue;
        }
        if out.is_empty() || g.x - last_right > 0.5 * g.size * PT_TO_MM {
            out.push(String::new());
        }
        out.last_mut().unwrap().push(g.ch);
        last_right = g.right();
    }
    out
}

#[test]
fn pdf_text_reads_in_the_order_of_the_text_twin() {
    // Every line of every page of the PDF appears in the text twin, in
    // order (page numbers are not words of the document).
    for (name, built) in [("yonghe", yonghe()), ("joint", joint())] {
        let mut rest = built.text.replace(['\u{3000}', '\n', '\t', ' '], "");
        for page in 1..=built.pdf.page_sizes.len() {
            for line in built.pdf.lines(page) {
                // Page numbers are not words. Tables (4号, read cell by cell,
                // where a wrapped cell's second line comes after its
                // neighbours' centred text) have their own tests, and so
                // has the stacked joint mark, which puts `文件` between the
                // issuers' baselines.
                let mark = line.glyphs.iter().all(|g| is_red(g.color) && g.size > 22.0);
                let turned = line.glyphs.iter().all(|g| g.angle.abs() > 1.0);
                let table = line.glyphs.iter().all(|g| g.size < 15.0);
                if line.text().starts_with('—') || turned || mark || table {
                    continue;
                }
                // A table row's line holds pieces of several cells: each
                // piece (glyphs without a gap) is found in order.
                for piece in pieces(&line) {
                    let at = rest.find(&piece).unwrap_or_else(|| {
                        panic!("{name} page {page}: {piece:?} not found in order in the text twin")
                    });
                    rest = rest[at + piece.len()..].to_string();
                }
            }
        }
    }
}

/// A number in brackets is never broken over two lines, wherever in a line
/// it falls: `〔2012〕`, `（2024年修订）`, `“12345”` after an opening mark
/// (before: `〔2` | `012〕`, the opening mark boxed with one digit).
#[test]
fn a_bracketed_number_never_breaks_at_any_place_in_a_line() {
    let dir = scratch("layout-bracketed-numbers");
    let sentence = "根据（鄂府文〔2012〕68号）和《某某条例》（2024年修订）及“12345”热线办理。";
    let mut pairs = 0;
    for shift in 0..28 {
        let body = format!("{}{}", "甲".repeat(shift), sentence.repeat(3));
        let plan = dir.join(format!("s{shift}.toml"));
        std::fs::write(
            &plan,
            format!("title = \"关于测试的通知\"\nissuer = \"某某县人民政府\"\ndate = 2024-05-20\nbody = \"{body}\"\n"),
        )
        .unwrap();
        let built = build_plan(&plan);
        let lines: Vec<String> = built.pdf.all_lines().iter().map(|l| l.text()).collect();
        for pair in lines.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            pairs += 1;
            assert!(
                !(a.ends_with(|c: char| c.is_ascii_digit())
                    && b.starts_with(|c: char| c.is_ascii_digit())),
                "shift {shift}: a number is split: `{a}` | `{b}`"
            );
        }
    }
    assert!(pairs > 28 * 3, "{pairs} line pairs");
}
