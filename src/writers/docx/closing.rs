//! After the body in Word: 附件说明, a 纪要's attendance, 署名 and 成文日期
//! with or without seals (and a 命令's 签名章), 附注, the 版记 at the foot
//! of the last page, and the 信函's lower rules.

use std::cell::OnceCell;
use std::sync::Arc;

use docx_rs::{
    AlignmentType, BreakType, HeightRule, Paragraph, Run, SpecialIndentType, Tab, TabValueType,
    Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TablePositionProperty,
    TableRow, WidthType, XMLDocx,
};

use super::body::{add_text, closer_text};
use super::ooxml::{self, Anchor, Floating};
use super::{
    CHAR, Part, blank, body_width, fonts, inset, mm, pt_tw, styles, text, text_width as width, tw,
};
use crate::gbt9704::{GEOMETRY, PT_PER_MM, Role, SIGNATURE_SEAL_TEXT, size};
use crate::model::{Attendance, Document, DocumentFormat, Image, ImageFormat};
use crate::typeset::fonts::FontSet;

/// The seal's width: 42mm, as printed.
const SEAL_MM: f64 = 42.0;

/// A seal to place: a picture floating over the text, anchored in the
/// paragraph that holds its marker.
pub struct Seal {
    marker: String,
    /// Alternative text; a 签名章's names the signer, which `notice import`
    /// reads back as the signature's name.
    description: String,
    png: Vec<u8>,
    width_mm: f64,
    height_mm: f64,
    /// From the 版心's left edge.
    x_mm: f64,
    /// From the top of the anchoring paragraph.
    y_mm: f64,
}

/// The seals of a document, placed when the XML is finished; an SVG seal's
/// text is drawn with the document's fonts.
pub struct Seals<'a> {
    seals: Vec<Seal>,
    fonts: &'a FontSet,
    /// The document's faces for drawing SVG seals, loaded at the first.
    svg_fonts: OnceCell<Arc<fontdb::Database>>,
}

impl<'a> Seals<'a> {
    pub fn new(fonts: &'a FontSet) -> Seals<'a> {
        Seals {
            seals: Vec::new(),
            fonts,
            svg_fonts: OnceCell::new(),
        }
    }

    /// A seal as PNG: SVG seals are drawn at 600 dpi (a Word file's
    /// pictures are bitmaps for most readers), their text in the
    /// document's faces, as the PDF draws it.
    fn png(&self, image: &Image) -> Option<Vec<u8>> {
        match image.format {
            ImageFormat::Png => Some(image.bytes.clone()),
            ImageFormat::Svg => {
                let fontdb = self.svg_fonts.get_or_init(|| {
                    let mut faces = fontdb::Database::new();
                    for face in Role::ALL
                        .iter()
                        .map(|&r| self.fonts.role(r))
                        .chain([self.fonts.fallback()])
                    {
                        if let Some(font) = self.fonts.font(face.index) {
                            faces.load_font_data(font.data().to_vec());
                        }
                    }
                    Arc::new(faces)
                });
                let options = resvg::usvg::Options {
                    font_family: self.fonts.role(Role::Songti).family.clone(),
                    fontdb: Arc::clone(fontdb),
                    ..resvg::usvg::Options::default()
                };
                let tree = resvg::usvg::Tree::from_data(&image.bytes, &options).ok()?;
                let size = tree.size();
                let px = (SEAL_MM / 25.4 * 600.0).round();
                let scale = px as f32 / size.width().max(1.0);
                let (w, h) = (
                    (size.width() * scale).ceil() as u32,
                    (size.height() * scale).ceil() as u32,
                );
                let mut pixmap = resvg::tiny_skia::Pixmap::new(w.max(1), h.max(1))?;
                resvg::render(
                    &tree,
                    resvg::tiny_skia::Transform::from_scale(scale, scale),
                    &mut pixmap.as_mut(),
                );
                pixmap.encode_png().ok()
            }
        }
    }

    /// A marker run for a new seal whose centre is `centre_y_mm` below the
    /// top of its paragraph; the picture replaces the marker.
    fn add(
        &mut self,
        image: &Image,
        x_mm: f64,
        centre_y_mm: f64,
        description: String,
    ) -> Option<Run> {
        let (png, height_mm) = self.picture(image)?;
        Some(self.add_picture(png, height_mm, x_mm, centre_y_mm, description))
    }

    /// A seal's picture and its height (mm) at the seal's width.
    fn picture(&self, image: &Image) -> Option<(Vec<u8>, f64)> {
        let png = self.png(image)?;
        let (w, h) = png_size(&png)?;
        Some((png, SEAL_MM * f64::from(h) / f64::from(w.max(1))))
    }

    /// [`Seals::add`] for a picture made already.
    fn add_picture(
        &mut self,
        png: Vec<u8>,
        height_mm: f64,
        x_mm: f64,
        centre_y_mm: f64,
        description: String,
    ) -> Run {
        let marker = format!("\u{E000}notice-seal-{}\u{E000}", self.seals.len());
        self.seals.push(Seal {
            marker: marker.clone(),
            description,
            png,
            width_mm: SEAL_MM,
            height_mm,
            x_mm,
            y_mm: centre_y_mm - height_mm / 2.0,
        });
        Run::new().add_text(marker)
    }

    /// Replaces each marker run with its floating picture, in front of the
    /// text (a seal is stamped over the 署名 and date), and adds the images
    /// to the package.
    pub fn place(&self, document: &mut String, xml: &mut XMLDocx) {
        for (n, seal) in self.seals.iter().enumerate() {
            let Some(at) = document.find(&seal.marker) else {
                continue;
            };
            let Some(start) = document[..at].rfind("<w:r>") else {
                continue;
            };
            let Some(end) = document[at..]
                .find("</w:r>")
                .map(|e| at + e + "</w:r>".len())
            else {
                continue;
            };
            let id = format!("rIdNoticeSeal{n}");
            // docx-rs's packer adds `.png` to the media's names.
            let stem = format!("notice-seal-{n}");
            let name = format!("{stem}.png");
            let floating = Floating {
                x: (Anchor::Margin, seal.x_mm),
                y: (Anchor::Paragraph, seal.y_mm),
                width: seal.width_mm,
                height: seal.height_mm,
                z: 251_659_264 + n,
                id: 1000 + n,
                name: "印章",
                description: &seal.description,
            };
            let (w, h) = floating.extent();
            let picture = format!(
                concat!(
                    r#"<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
                    r#"<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="{docpr}" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>"#,
                    r#"<pic:blipFill><a:blip r:embed="{id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"#,
                    r#"<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="{h}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>"#,
                    r#"</a:graphicData></a:graphic>"#
                ),
                docpr = floating.id,
                name = name,
                id = id,
                w = w,
                h = h,
            );
            document.replace_range(
                start..end,
                &format!("<w:r>{}</w:r>", floating.drawing(&picture)),
            );
            xml.media.push((stem, seal.png.clone()));
            ooxml::relate(xml, &id, ooxml::IMAGE, &format!("media/{name}"));
        }
        if !self.seals.is_empty() {
            ooxml::declare_png(xml);
        }
    }
}

/// Width and height of a PNG, from its header.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let w = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    Some((w, h))
}

/// The closing's paragraphs; `factor` is the pitch's, where the page is
/// tightened (the paragraphs' lines are set by the caller, the seals'
/// places here). Returns where the 署名's piece starts in `parts` (what
/// may never start a page alone, as in the PDF).
pub fn closing(
    doc: &Document,
    parts: &mut Vec<Part>,
    seals: &mut Seals,
    factor: f64,
    notes_closer: Option<i32>,
) -> usize {
    let pitch = GEOMETRY.pitch() * factor;
    attachment_notes(doc, parts, notes_closer);
    attendance(doc, parts);
    let signature = parts.len();
    if doc.format == DocumentFormat::Order {
        signed_by_person(doc, parts, seals, pitch);
    } else if doc.sealed && !doc.seals.is_empty() {
        sealed(doc, parts, seals, pitch);
    } else if !doc.signature.is_empty() || doc.date.is_some() {
        unsealed(doc, parts, seals.fonts);
    }
    if let Some(note) = &doc.note {
        parts.push(Part::par(
            Paragraph::new().style(styles::NOTE).add_run(text(note)),
        ));
    }
    signature
}

/// `附件：1.XXX`, the names of later lines under the first's.
fn attachment_notes(doc: &Document, parts: &mut Vec<Part>, closer: Option<i32>) {
    if doc.attachment_notes.is_empty() {
        return;
    }
    parts.push(Part::par(blank()));
    let label = width("附件：");
    for (i, n) in doc.attachment_notes.iter().enumerate() {
        let number = n.number.clone().unwrap_or_default();
        let left = 2 * CHAR + label + width(&number);
        let mut p = Paragraph::new().style(styles::ATTACHMENT_NOTES).indent(
            Some(left),
            Some(SpecialIndentType::Hanging(
                width(&number) + if i == 0 { label } else { 0 },
            )),
            None,
            None,
        );
        if i == 0 {
            p = p.add_run(text("附件："));
        }
        let p = p.add_run(text(&number)).add_run(text(&n.name));
        parts.push(Part::par(closer_text(p, closer)));
    }
}

/// 纪要: `出席：` in 黑体, the names wrapped under the first.
fn attendance(doc: &Document, parts: &mut Vec<Part>) {
    if doc.attendance.is_empty() {
        return;
    }
    parts.push(Part::par(blank()));
    for a in &doc.attendance {
        let label = format!("{}：", a.label);
        let left = 2 * CHAR + width(&label);
        let mut p = Paragraph::new()
            .style(styles::ATTENDANCE)
            .indent(
                Some(left),
                Some(SpecialIndentType::Hanging(width(&label))),
                None,
                None,
            )
            .add_run(text(&label).fonts(fonts(Role::Heiti)));
        for (i, line) in name_lines(a, body_width() - left).iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            p = p.add_run(text(line));
        }
        parts.push(Part::par(p));
    }
}

/// An attendance line's names broken into lines of `room` twips between
/// names, each name with its comma kept whole, as the PDF sets them (a
/// word processor would break inside a name); a name longer than a third
/// of a line may wrap like text.
fn name_lines(attendance: &Attendance, room: i32) -> Vec<String> {
    let mut lines = vec![String::new()];
    for piece in &attendance.pieces {
        // Spaces after a name may hang past the line's end; a comma may not.
        let set = piece.trim_end_matches('\u{3000}');
        let name = set.trim_end_matches('，');
        let line = lines.last_mut().expect("a line");
        if !line.is_empty() && width(line) + width(set) > room && name.chars().count() <= 9 {
            // Spaces between names end with the line.
            let kept = line.trim_end_matches('\u{3000}').len();
            line.truncate(kept);
            lines.push(piece.to_string());
        } else {
            line.push_str(piece);
        }
    }
    if let Some(last) = lines.last_mut() {
        let kept = last.trim_end_matches('\u{3000}').len();
        last.truncate(kept);
    }
    lines
}

/// 署名 右空二字 and the date two characters right of its first character
/// (右空二字 when it is the longer).
fn unsealed(doc: &Document, parts: &mut Vec<Part>, faces: &FontSet) {
    parts.push(Part::par(blank()));
    let date_w = doc.date.as_deref().map_or(0, width);
    let inner = doc
        .signature
        .iter()
        .map(|s| width(s))
        .chain([if doc.date.is_some() {
            2 * CHAR + date_w
        } else {
            0
        }])
        .max()
        .unwrap_or(0);
    let left = body_width() - 2 * CHAR - inner;
    for line in &doc.signature {
        let p = inset(styles::SIGNATURE, left, 0).align(AlignmentType::Left);
        parts.push(Part::par(add_text(p, line, faces)));
    }
    if let Some(date) = &doc.date {
        // The longer date is 右空二字 itself: set from the right, its end
        // holds wherever a reader spaces its digits.
        let longer = inner == 2 * CHAR + date_w;
        let (align, left, right) = if longer {
            (AlignmentType::Right, 0, 2 * CHAR)
        } else {
            (AlignmentType::Left, left + 2 * CHAR, 0)
        };
        parts.push(Part::par(
            inset(styles::DATE, left, right)
                .align(align)
                .add_run(text(date)),
        ));
    }
}

/// The sealed layout: date 右空四字, each issuer centred over its seal;
/// one issuer's seal is centred on its name and the date, with the text in
/// its lower half; a 联合行文's seals stand side by side, two characters
/// apart, the last over the date.
fn sealed(doc: &Document, parts: &mut Vec<Part>, seals: &mut Seals, p: f64) {
    let date = doc.date.clone().unwrap_or_default();
    let date_w = width(&date);
    let last_centre = body_width() - 4 * CHAR - date_w / 2;
    let lift = 0.3 * p;
    let seal_h = SEAL_MM; // round seals; the picture's own ratio is used when placed
    let blanks = |parts: &mut Vec<Part>, n: f64| {
        for _ in 0..n.max(1.0) as usize {
            parts.push(Part::par(blank()));
        }
    };
    if doc.seals.len() > 1 {
        // Rows of names, each centred on its seal (tab stops), two
        // characters apart, the last row's last over the date; as many a
        // row as the 版心 holds.
        let name_w = doc.signature.iter().map(|s| width(s)).max().unwrap_or(0);
        let widest = tw(SEAL_MM).max(name_w);
        let step = widest + 2 * CHAR;
        let count = doc.signature.len();
        let per_row = (((last_centre - widest / 2) / step) as usize + 1).clamp(1, count);
        let rows = count.div_ceil(per_row);
        // A seal's centre under its row's top: on the names, or in the last
        // row (whose last seal covers the date too) on names and date.
        let centre_in_row = |last: bool| if last { p - lift } else { p / 2.0 - lift };
        blanks(
            parts,
            ((seal_h / 2.0 - centre_in_row(rows == 1)) / p - 0.001).ceil(),
        );
        // Rows far enough apart that seals do not touch (2mm clear); the
        // last row's seals sit half a line lower, so it comes a line sooner.
        let row_lines = ((seal_h + 2.0) / p - 0.001).ceil() as usize;
        let last_row_lines = ((seal_h + 2.0 - p / 2.0) / p - 0.001).ceil() as usize;
        // Full rows first; the last holds the rest, at the right.
        let mut start = 0;
        for row in 0..rows {
            let in_row = if row + 1 == rows {
                count - start
            } else {
                per_row
            };
            let last = row + 1 == rows;
            let mut par = inset(styles::SIGNATURE, 0, 0).align(AlignmentType::Left);
            let centres: Vec<i32> = (0..in_row)
                .map(|k| last_centre - (in_row - 1 - k) as i32 * step)
                .collect();
            for c in &centres {
                par = par.add_tab(
                    Tab::new()
                        .val(TabValueType::Center)
                        .pos((*c).max(0) as usize),
                );
            }
            for (k, centre) in centres.iter().enumerate() {
                let i = start + k;
                par = add_text(
                    par.add_run(Run::new().add_tab()),
                    &doc.signature[i],
                    seals.fonts,
                );
                if let Some(image) = doc.seals.get(i) {
                    let centre_y = centre_in_row(last);
                    if let Some(marker) = seals.add(
                        image,
                        mm(*centre) - SEAL_MM / 2.0,
                        centre_y,
                        format!("印章：{}", doc.signature[i]),
                    ) {
                        par = par.add_run(marker);
                    }
                }
            }
            parts.push(Part::par(par));
            if !last {
                let to_next = if row + 2 == rows {
                    last_row_lines
                } else {
                    row_lines
                };
                for _ in 1..to_next {
                    parts.push(Part::par(blank()));
                }
            }
            start += in_row;
        }
    } else {
        let rows = doc.signature.len().max(1) as f64 + 1.0;
        blanks(
            parts,
            ((lift + seal_h / 2.0 - rows / 2.0 * p) / p - 0.001).ceil(),
        );
        for (i, line) in doc.signature.iter().enumerate() {
            let right = body_width() - last_centre - width(line) / 2;
            let par = inset(styles::SIGNATURE, 0, right.max(0));
            let mut par = add_text(par, line, seals.fonts);
            if i == 0
                && let Some(image) = doc.seals.first()
            {
                let middle = rows / 2.0 * p;
                if let Some(marker) = seals.add(
                    image,
                    mm(last_centre) - SEAL_MM / 2.0,
                    middle - lift,
                    format!("印章：{}", doc.signature.join("")),
                ) {
                    par = par.add_run(marker);
                }
            }
            parts.push(Part::par(par));
        }
    }
    parts.push(Part::par(date_line(&date)));
}

/// 命令: two blank lines, the title and the 签名章 (or name) 右空四字, the
/// date 右空四字 on the line under the seal (a blank line under a name).
fn signed_by_person(doc: &Document, parts: &mut Vec<Part>, seals: &mut Seals, pitch: f64) {
    parts.push(Part::par(blank()));
    parts.push(Part::par(blank()));
    let joined = doc.signature.join(" ");
    let words: Vec<&str> = joined.split_whitespace().collect();
    let (title, name) = match words.as_slice() {
        [] => (String::new(), String::new()),
        [one] => (String::new(), one.to_string()),
        [first, rest @ ..] => (first.to_string(), rest.concat()),
    };
    let picture = doc
        .seals
        .first()
        .filter(|_| doc.sealed)
        .and_then(|image| seals.picture(image));
    // Lines under the title before the date: with a seal, as the PDF sets
    // it, the seal takes whole lines from its top, the title on the line
    // at its middle, and the date on the line under it; with a name, one
    // blank line.
    let after = match picture {
        Some((png, height)) => {
            let lines = (height / pitch - 0.001).ceil().max(1.0) as usize;
            let at = ((height / 2.0 / pitch - 0.5).round().max(0.0) as usize).min(lines - 1);
            for _ in 0..at {
                parts.push(Part::par(blank()));
            }
            // The title two characters left of the 签名章, which ends four
            // characters from the right.
            let seal_right = body_width() - 4 * CHAR;
            let marker = seals.add_picture(
                png,
                height,
                mm(seal_right) - SEAL_MM,
                height / 2.0 - at as f64 * pitch,
                format!("{SIGNATURE_SEAL_TEXT}{name}"),
            );
            parts.push(Part::par(
                inset(styles::SIGNATURE, 0, 4 * CHAR + tw(SEAL_MM) + 2 * CHAR)
                    .add_run(text(&title))
                    .add_run(marker),
            ));
            lines - 1 - at
        }
        None => {
            parts.push(Part::par(
                inset(styles::SIGNATURE, 0, 4 * CHAR)
                    .add_run(text(&format!("{title}\u{3000}\u{3000}{name}"))),
            ));
            1
        }
    };
    if let Some(date) = &doc.date {
        for _ in 0..after {
            parts.push(Part::par(blank()));
        }
        parts.push(Part::par(date_line(date)));
    }
}

/// The 成文日期 右空四字.
fn date_line(date: &str) -> Paragraph {
    inset(styles::DATE, 0, 4 * CHAR).add_run(text(date))
}

/// One line of the 版记: a cell across the 版心, at least a line high.
fn imprint_row(p: Paragraph, height: f32) -> TableRow {
    TableRow::new(vec![
        TableCell::new()
            .width(body_width() as usize, WidthType::Dxa)
            .add_paragraph(p),
    ])
    .row_height(height)
    .height_rule(HeightRule::AtLeast)
}

/// 版记 at the foot of the last page: a floating table whose last rule is
/// the 版心's bottom edge (rules of 0.35mm outside, 0.25mm between); a
/// 信函 has a 抄送 line and no rules.
pub fn imprint(doc: &Document, parts: &mut Vec<Part>) {
    let Some(imp) = &doc.imprint else { return };
    let letter = doc.format == DocumentFormat::Letter;
    let printed = !letter && (imp.printed_by.is_some() || imp.printed_on.is_some());
    if imp.cc.is_none() && !printed {
        return;
    }
    let edge = pt_tw(size::SIHAO);
    let half_points = (size::SIHAO * 2.0) as usize;
    let row_height = 560.0;
    let paragraph = || inset(styles::IMPRINT, edge, edge).size(half_points);
    let mut rows = Vec::new();
    if let Some(cc) = &imp.cc {
        let label = 3 * edge;
        let p = paragraph()
            .indent(
                Some(edge + label),
                Some(SpecialIndentType::Hanging(label)),
                Some(edge),
                None,
            )
            .add_run(text("抄送：").size(half_points))
            .add_run(text(cc).size(half_points));
        rows.push(imprint_row(p, row_height));
    }
    if printed {
        let mut p = paragraph().add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .pos((body_width() - 2 * edge) as usize),
        );
        if let Some(by) = &imp.printed_by {
            p = p.add_run(text(by).size(half_points));
        }
        if let Some(on) = &imp.printed_on {
            p = p
                .add_run(Run::new().add_tab())
                .add_run(text(on).size(half_points));
        }
        rows.push(imprint_row(p, row_height));
    }
    let outer = (GEOMETRY.imprint_outer_rule * PT_PER_MM * 8.0).round() as usize;
    let inner = (GEOMETRY.imprint_inner_rule * PT_PER_MM * 8.0).round() as usize;
    let rule = |position, size: usize| TableBorder::new(position).size(size).color("000000");
    let borders = if letter {
        TableBorders::with_empty()
    } else {
        TableBorders::with_empty()
            .set(rule(TableBorderPosition::Top, outer))
            .set(rule(TableBorderPosition::Bottom, outer))
            .set(rule(TableBorderPosition::InsideH, inner))
    };
    let table = Table::new(rows)
        .set_grid(vec![body_width() as usize])
        .width(body_width() as usize, WidthType::Dxa)
        // The rules run the 版心's width: no cell padding beyond it.
        .margins(
            docx_rs::TableCellMargins::new()
                .margin_left(0, WidthType::Dxa)
                .margin_right(0, WidthType::Dxa),
        )
        .set_borders(borders)
        .position(
            // LibreOffice floats a table to the foot only when it is placed
            // from the page's edge, not the margin's.
            TablePositionProperty::new()
                .vertical_anchor("margin")
                .position_y_alignment("bottom")
                .horizontal_anchor("page")
                .position_x(tw(GEOMETRY.margin_left)),
        );
    parts.push(Part::Table(Box::new(table)));
    parts.push(Part::par(Paragraph::new().style(styles::AFTER_TABLE)));
}
