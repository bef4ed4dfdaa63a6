//! Every section's footers, referenced by hand: docx-rs writes a section's
//! even-page footer only for the document's last section, and cannot write
//! the text box a turned page's number needs.
//!
//! Upright sections number odd pages on the right and even pages on the
//! left (the last section's footers, which docx-rs wrote). Turned
//! (landscape) sections put the number where an upright page has it once
//! the sheet is turned back: in the turned page's left margin, set sideways
//! in a text box; a 信函's first page has its own footer (the lower rules).

use std::sync::LazyLock;

use regex::Regex;

use docx_rs::{AlignmentType, FieldCharType, Footer, InstrText, Paragraph, Run, XMLDocx};

use super::ooxml::{self, Anchor, Floating};
use super::{fonts, pt_tw, styles, text};
use crate::gbt9704::{GEOMETRY, PT_PER_MM, Role, size};

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<w:footerReference w:type="(\w+)" r:id="([^"]+)" />"#).expect("valid pattern")
});

const NAMESPACES: &str = concat!(
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
    r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
    r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#
);

/// A turned page's number: `— N —` in 4号 宋体, set sideways in a text box
/// in the turned page's left margin, placed where an upright page's number
/// is (odd: one character in from the 版心's right edge, even: from its
/// left edge) once the sheet is turned back.
fn turned_footer(odd: bool, id: usize) -> String {
    let g = GEOMETRY;
    let char_mm = size::SIHAO / PT_PER_MM;
    // Upright coordinates of the number's line: its baseline 7mm under the
    // 版心, from one character in at the outer side, 30mm long.
    let length = 30.0;
    let (from, to) = if odd {
        (g.body_right() - char_mm - length, g.body_right() - char_mm)
    } else {
        (g.margin_left + char_mm, g.margin_left + char_mm + length)
    };
    let baseline = g.body_bottom() + g.page_number_drop;
    // Turned: the upright page's bottom is the turned page's left edge and
    // its left edge the turned page's top.
    let depth = 8.0;
    let x = g.paper_height - baseline - depth * 0.3;
    let y = from;
    let jc = if odd { "right" } else { "left" };
    let run = |inner: &str| {
        format!(
            r#"<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>{inner}</w:r>"#
        )
    };
    let number = [
        run(r#"<w:t xml:space="preserve">— </w:t>"#),
        run(r#"<w:fldChar w:fldCharType="begin"/>"#),
        run(r#"<w:instrText xml:space="preserve"> PAGE </w:instrText>"#),
        run(r#"<w:fldChar w:fldCharType="separate"/>"#),
        run(r#"<w:t>1</w:t>"#),
        run(r#"<w:fldChar w:fldCharType="end"/>"#),
        run(r#"<w:t xml:space="preserve"> —</w:t>"#),
    ]
    .concat();
    let floating = Floating {
        x: (Anchor::Page, x),
        y: (Anchor::Page, y),
        width: depth,
        height: to - from,
        z: 251_660_288,
        id,
        name: "页码",
        description: "",
    };
    let (w, h) = floating.extent();
    let text_box = format!(
        concat!(
            r#"<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>"#,
            r#"<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="{h}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>"#,
            r#"<wps:txbx><w:txbxContent><w:p><w:pPr><w:jc w:val="{jc}"/><w:spacing w:before="0" w:after="0"/></w:pPr>{number}</w:p></w:txbxContent></wps:txbx>"#,
            r#"<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"><a:noAutofit/></wps:bodyPr></wps:wsp>"#,
            r#"</a:graphicData></a:graphic>"#
        ),
        w = w,
        h = h,
        jc = jc,
        number = number,
    );
    footer_part(&format!("<w:r>{}</w:r>", floating.drawing(&text_box)))
}

/// A footer part of one paragraph, no higher than a twip, holding `runs`.
fn footer_part(runs: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {NAMESPACES}><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr>{runs}</w:p></w:ftr>"#
    )
}

/// A line across the page, `weight_mm` thick, its middle `y_mm` from the
/// paper's top: a drawn shape anchored to the page, which both Word and
/// LibreOffice place anywhere on it (a frame in a footer is kept inside
/// the footer by LibreOffice).
fn page_rule(x_mm: f64, y_mm: f64, length_mm: f64, weight_mm: f64, id: usize) -> String {
    let floating = Floating {
        x: (Anchor::Page, x_mm),
        y: (Anchor::Page, y_mm),
        width: length_mm,
        height: 0.0,
        z: 251_661_312 + id,
        id,
        name: "红线",
        description: "",
    };
    let (w, _) = floating.extent();
    let weight = ooxml::emu(weight_mm);
    let line = format!(
        concat!(
            r#"<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvCnPr/>"#,
            r#"<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="0"/></a:xfrm><a:prstGeom prst="line"><a:avLst/></a:prstGeom>"#,
            r#"<a:ln w="{weight}"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp>"#,
            r#"</a:graphicData></a:graphic>"#
        ),
        w = w,
        weight = weight,
    );
    format!("<w:r>{}</w:r>", floating.drawing(&line))
}

/// The 信函's first page: its red double rules, 170mm long, drawn as the
/// PDF draws them (2pt and 0.5pt, 1mm apart): thick over thin under the
/// mark (`upper`, mm from the paper's top, the thick one's middle), thin
/// over thick with the thick one 20mm above the paper's bottom; no page
/// number.
fn letter_first_footer(upper: f64) -> String {
    let g = GEOMETRY;
    let pt = 1.0 / PT_PER_MM;
    let gap = super::header::LETTER_RULE_GAP;
    let x = (g.paper_width - g.letter_rule_length) / 2.0;
    let lower = g.paper_height - g.letter_rule_bottom;
    let rules = [
        page_rule(x, upper, g.letter_rule_length, 2.0 * pt, 2100),
        page_rule(x, upper + gap, g.letter_rule_length, 0.5 * pt, 2101),
        page_rule(x, lower - gap, g.letter_rule_length, 0.5 * pt, 2102),
        page_rule(x, lower, g.letter_rule_length, 2.0 * pt, 2103),
    ]
    .concat();
    footer_part(&rules)
}

/// The part name (`footerN.xml`) a relationship id of the document points
/// to.
fn footer_number(rels: &str, id: &str) -> Option<usize> {
    let at = rels.find(&format!(r#"Id="{id}""#))?;
    let end = rels[at..].find("/>")? + at;
    let target = rels[at..end].split(r#"Target=""#).nth(1)?;
    target
        .strip_prefix("footer")?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Every `w:sectPr` of the document, as byte ranges.
fn sections(document: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = document[from..].find("<w:sectPr>").map(|s| s + from) {
        let Some(end) = document[start..]
            .find("</w:sectPr>")
            .map(|e| start + e + "</w:sectPr>".len())
        else {
            break;
        };
        out.push((start, end));
        from = end;
    }
    out
}

/// Gives every section its footers (see the module's documentation).
/// `letter_rule`: a 信函's upper rule (mm from the paper's top), drawn on
/// its first page with the lower ones.
pub fn reference(document: &mut String, xml: &mut XMLDocx, letter_rule: Option<f64>) {
    let ranges = sections(document);
    let Some(&(last_start, last_end)) = ranges.last() else {
        return;
    };
    let last = &document[last_start..last_end];
    let id_of = |kind: &str| {
        REFERENCE
            .captures_iter(last)
            .find(|c| &c[1] == kind)
            .map(|c| c[2].to_string())
    };
    let (Some(odd), Some(even)) = (id_of("default"), id_of("even")) else {
        return;
    };
    let first = id_of("first");
    // The 信函's first page footer: docx-rs wrote an empty one to hold its
    // place; its rules are drawn by hand.
    if let Some(number) = first
        .as_deref()
        .and_then(|id| footer_number(&String::from_utf8_lossy(&xml.document_rels), id))
        && let Some(part) = xml.footers.get_mut(number - 1)
        && let Some(upper) = letter_rule
    {
        *part = letter_first_footer(upper).into_bytes();
    }
    let turned = ranges
        .iter()
        .any(|&(s, e)| document[s..e].contains(r#"w:orient="landscape""#));
    let mut turned_ids = None;
    if turned {
        let mut ids = Vec::new();
        for (k, odd_page) in [true, false].into_iter().enumerate() {
            let number = xml.footers.len() + 1;
            let id = format!("rIdNoticeTurned{k}");
            xml.footers
                .push(turned_footer(odd_page, 2000 + k).into_bytes());
            ooxml::relate(xml, &id, ooxml::FOOTER, &format!("footer{number}.xml"));
            ooxml::declare_footer(xml, &format!("/word/footer{number}.xml"));
            ids.push(id);
        }
        turned_ids = Some((ids[0].clone(), ids[1].clone()));
    }
    // From the last section back, so earlier ranges stay valid.
    for (n, &(start, end)) in ranges.iter().enumerate().rev() {
        let section = &document[start..end];
        let landscape = section.contains(r#"w:orient="landscape""#);
        let mut body = REFERENCE
            .replace_all(section, "")
            .replace("<w:titlePg />", "");
        let (default, even_id) = match (&turned_ids, landscape) {
            (Some((o, e)), true) => (o.clone(), e.clone()),
            _ => (odd.clone(), even.clone()),
        };
        let mut references = format!(
            r#"<w:footerReference w:type="default" r:id="{default}" /><w:footerReference w:type="even" r:id="{even_id}" />"#
        );
        // A 信函's first page: in the first section only.
        if n == 0
            && let Some(first) = &first
        {
            references.push_str(&format!(
                r#"<w:footerReference w:type="first" r:id="{first}" />"#
            ));
            if let Some(grid) = body.find("<w:docGrid") {
                body.insert_str(grid, "<w:titlePg />");
            }
        }
        body.insert_str("<w:sectPr>".len(), &references);
        document.replace_range(start..end, &body);
    }
}

/// `— N —` in 4号 宋体, one character in from the outer edge: right on odd
/// pages, left on even ones.
pub fn page_number(odd: bool) -> Footer {
    let size = pt_tw(size::SIHAO) as usize / 10;
    let edge = pt_tw(size::SIHAO);
    let run = |r: Run| r.fonts(fonts(Role::Songti)).size(size);
    let p = Paragraph::new()
        .style(styles::PAGE_NUMBER)
        .align(if odd {
            AlignmentType::Right
        } else {
            AlignmentType::Left
        })
        .indent(
            Some(if odd { 0 } else { edge }),
            None,
            Some(if odd { edge } else { 0 }),
            None,
        )
        .add_run(run(text("— ")))
        .add_run(run(Run::new().add_field_char(FieldCharType::Begin, false)))
        .add_run(run(
            Run::new().add_instr_text(InstrText::PAGE(docx_rs::InstrPAGE::new()))
        ))
        .add_run(run(
            Run::new().add_field_char(FieldCharType::Separate, false)
        ))
        .add_run(run(text("1")))
        .add_run(run(Run::new().add_field_char(FieldCharType::End, false)))
        .add_run(run(text(" —")));
    Footer::new().add_paragraph(p)
}
