//! Named styles, one per element of the standard, each naming its face
//! with the font names office machines carry (`Role::office_font`): a clerk
//! who types in a style stays in the standard.

use docx_rs::{AlignmentType, LineSpacing, SpecialIndentType, Style, StyleType, Styles};

use super::{CHAR, PITCH, exact, fonts, pt_tw};
use crate::gbt9704::{Role, size};

pub const NORMAL: &str = "Normal";
pub const BODY: &str = "GwBody";
/// 正文 holding a Latin string too long for a line (a hash, a web
/// address): Word may break it anywhere, as the PDF does (`w:wordWrap`
/// off, written when the XML is finished).
pub const BODY_LONG_LATIN: &str = "GwBodyLongLatin";
pub const TITLE: &str = "GwTitle";
pub const TO: &str = "GwTo";
pub const MARK: &str = "GwMark";
pub const NUMBER: &str = "GwNumber";
pub const CORNER: &str = "GwCorner";
pub const SIGNATURE: &str = "GwSignature";
pub const DATE: &str = "GwDate";
pub const NOTE: &str = "GwNote";
pub const ATTACHMENT_NOTES: &str = "GwAttachmentNotes";
pub const ATTACHMENT_LABEL: &str = "GwAttachmentLabel";
pub const TABLE: &str = "GwTable";
pub const AFTER_TABLE: &str = "GwAfterTable";
pub const IMPRINT: &str = "GwImprint";
pub const PAGE_NUMBER: &str = "GwPageNumber";
pub const ATTENDANCE: &str = "GwAttendance";

/// The style of heading level 1..=4.
pub fn heading(level: u8) -> &'static str {
    match level {
        1 => "GwHeading1",
        2 => "GwHeading2",
        3 => "GwHeading3",
        _ => "GwHeading4",
    }
}

/// The body's character spacing in twips: 28 characters of 3号 in 156mm.
pub const BODY_SPACING: i32 = -5;

fn paragraph(id: &str, name: &str, based_on: &str) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on(based_on)
        .q_format(true)
}

/// A style's text: face and size (points).
fn face(style: Style, role: Role, pt: f64) -> Style {
    let half_points = (pt * 2.0).round() as usize;
    style.fonts(fonts(role)).size(half_points)
}

/// Character spacing of a style's runs.
fn spacing(mut style: Style, twips: i32) -> Style {
    style.run_property = style.run_property.character_spacing(twips);
    style
}

pub fn styles() -> Styles {
    let body_size = (size::SANHAO * 2.0) as usize;
    let on_grid = |s: Style| s.line_spacing(exact(PITCH));
    let off_grid = |s: Style| s.snap_to_grid(false).line_spacing(exact(PITCH));
    let no_indent = |s: Style| {
        s.indent(
            Some(0),
            Some(SpecialIndentType::FirstLine(0)),
            Some(0),
            None,
        )
    };

    let mut normal = Style::new(NORMAL, StyleType::Paragraph)
        .name("Normal")
        .fonts(fonts(Role::Fangsong))
        .size(body_size)
        .line_spacing(exact(PITCH))
        .align(AlignmentType::Both);
    // Widow and orphan control, as the PDF has it: no page starts or ends
    // with one line of a paragraph.
    normal.paragraph_property = normal.paragraph_property.widow_control(true);
    let body = spacing(
        on_grid(
            paragraph(BODY, "正文", NORMAL)
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(2 * CHAR)),
                    None,
                    None,
                )
                .align(AlignmentType::Both),
        ),
        BODY_SPACING,
    );
    let headings = [
        (1, "一级标题", Role::Heiti),
        (2, "二级标题", Role::Kaiti),
        (3, "三级标题", Role::Fangsong),
        (4, "四级标题", Role::Fangsong),
    ]
    .map(|(level, name, role)| {
        paragraph(heading(level), name, BODY)
            .fonts(fonts(role))
            .outline_lvl(usize::from(level) - 1)
    });
    let title = off_grid(face(
        paragraph(TITLE, "标题", NORMAL),
        Role::Xiaobiaosong,
        size::ERHAO,
    ))
    .align(AlignmentType::Center);
    let to = no_indent(paragraph(TO, "主送", BODY));
    let mark = face(
        paragraph(MARK, "发文机关标志", NORMAL),
        Role::Xiaobiaosong,
        size::CHUHAO,
    )
    .color("FF0000")
    .snap_to_grid(false)
    .align(AlignmentType::Center);
    let number = no_indent(spacing(
        on_grid(paragraph(NUMBER, "发文字号", NORMAL)),
        BODY_SPACING,
    ))
    .align(AlignmentType::Center);
    let corner = no_indent(spacing(
        face(
            on_grid(paragraph(CORNER, "份号密级紧急程度", NORMAL)),
            Role::Heiti,
            size::SANHAO,
        ),
        BODY_SPACING,
    ))
    .align(AlignmentType::Left);
    let signature = no_indent(paragraph(SIGNATURE, "署名", BODY)).align(AlignmentType::Right);
    let date = no_indent(paragraph(DATE, "成文日期", BODY)).align(AlignmentType::Right);
    let note = paragraph(NOTE, "附注", BODY);
    let attachment_notes = paragraph(ATTACHMENT_NOTES, "附件说明", BODY);
    let attendance = paragraph(ATTENDANCE, "出席人员", BODY);
    let label = no_indent(face(
        paragraph(ATTACHMENT_LABEL, "附件标识", BODY),
        Role::Heiti,
        size::SANHAO,
    ))
    .align(AlignmentType::Left);
    let table = no_indent(paragraph(TABLE, "表格", NORMAL).snap_to_grid(false))
        .align(AlignmentType::Center);
    // The paragraph Word needs after a table: no height of its own.
    let after_table = no_indent(paragraph(AFTER_TABLE, "表后", NORMAL).snap_to_grid(false))
        .line_spacing(exact(20))
        .size(2);
    let imprint = no_indent(face(
        paragraph(IMPRINT, "版记", NORMAL),
        Role::Fangsong,
        size::SIHAO,
    ))
    .snap_to_grid(false)
    .line_spacing(exact(pt_tw(size::SIHAO) * 2));
    let page_number = no_indent(face(
        paragraph(PAGE_NUMBER, "页码", NORMAL),
        Role::Songti,
        size::SIHAO,
    ))
    .snap_to_grid(false)
    .line_spacing(LineSpacing::new().before(0).after(0));
    let mut styles = Styles::new()
        .default_fonts(fonts(Role::Fangsong))
        .default_size(body_size)
        .add_style(normal)
        .add_style(body)
        .add_style(paragraph(BODY_LONG_LATIN, "正文（西文长串）", BODY));
    for h in headings {
        styles = styles.add_style(h);
    }
    for s in [
        title,
        to,
        mark,
        number,
        corner,
        signature,
        date,
        note,
        attachment_notes,
        attendance,
        label,
        table,
        after_table,
        imprint,
        page_number,
    ] {
        styles = styles.add_style(s);
    }
    styles
}

/// Text in every style is Chinese (the schema order is restored later).
const LANG: &str = r#"<w:lang w:val="zh-CN" w:eastAsia="zh-CN" />"#;

/// Finishes styles.xml where docx-rs falls short: the base style's CJK
/// settings ([`chinese_text_defaults`]), `w:lang` zh-CN in every style,
/// and the long-Latin style's `w:wordWrap` off.
pub fn finish(styles: &str) -> String {
    // Every style's text is Chinese: without `w:lang`, LibreOffice and
    // Word shape 小标宋 and 宋体 with their Japanese forms (令, 门).
    let mut out = chinese_text_defaults(styles).replace("<w:rPr>", &format!("<w:rPr>{LANG}"));
    if let Some(style) = out.find(&format!(r#"w:styleId="{BODY_LONG_LATIN}""#))
        && let Some(ppr) = out[style..].find("<w:pPr>")
    {
        out.insert_str(style + ppr + "<w:pPr>".len(), r#"<w:wordWrap w:val="0" />"#);
    }
    out
}

/// The base style's CJK settings, which docx-rs cannot write: no extra
/// space between Chinese and Latin letters or digits (`w:autoSpaceDE`/`DN`
/// off), as in the PDF, so a line holds the same 28 characters; and
/// `w:overflowPunct` on. Word reads that as "a closing mark may hang past
/// the line" (its own default); LibreOffice 7.4 reads the element the
/// other way round (`DomainMapper.cxx`: hanging = val is 0), and a hanging
/// mark at the end of a justified line vanishes from its PDFs. Written as
/// on, LibreOffice keeps every mark inside the 版心 as the PDF does, and
/// Word behaves as a clerk's own files do.
fn chinese_text_defaults(styles: &str) -> String {
    // docx-rs keeps a bare `Normal` of its own beside ours: drop it.
    let mut out = styles.to_string();
    let opening = r#"<w:style w:type="paragraph" w:styleId="Normal">"#;
    let mut from = 0;
    while let Some(at) = out[from..].find(opening).map(|a| a + from) {
        let end = out[at..]
            .find("</w:style>")
            .map_or(out.len(), |e| at + e + "</w:style>".len());
        if out[at..end].contains("w:eastAsia") {
            if let Some(ppr) = out[at..end]
                .find("<w:pPr>")
                .map(|p| at + p + "<w:pPr>".len())
            {
                out.insert_str(
                    ppr,
                    r#"<w:overflowPunct w:val="1" /><w:autoSpaceDE w:val="0" /><w:autoSpaceDN w:val="0" />"#,
                );
            }
            from = end;
        } else {
            out.replace_range(at..end, "");
            from = at;
        }
    }
    out
}
