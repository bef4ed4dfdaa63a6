//! Raw OOXML that docx-rs cannot write, in one place: floating drawings
//! (seals, a 信函's rules, a turned page's number) and the package's
//! relationships and content types for the parts added by hand.

use docx_rs::XMLDocx;

/// EMU (the unit of drawings) per millimetre.
const EMU_PER_MM: f64 = 36_000.0;

pub fn emu(mm: f64) -> i64 {
    (mm * EMU_PER_MM).round() as i64
}

/// What a floating drawing's position is measured from.
#[derive(Clone, Copy)]
pub enum Anchor {
    Page,
    Margin,
    Paragraph,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Page => "page",
            Anchor::Margin => "margin",
            Anchor::Paragraph => "paragraph",
        }
    }
}

/// A drawing floating in front of the text, taking no room: its place
/// (mm, across from `x.0` and down from `y.0`), its size (mm), its
/// stacking order `z`, and `graphic` (an `a:graphic`) inside it.
pub struct Floating<'a> {
    pub x: (Anchor, f64),
    pub y: (Anchor, f64),
    pub width: f64,
    pub height: f64,
    pub z: usize,
    /// `wp:docPr`'s id, unique in the document.
    pub id: usize,
    pub name: &'a str,
    /// Alternative text, if any (escaped here).
    pub description: &'a str,
}

impl Floating<'_> {
    /// The `w:drawing` holding `graphic`.
    pub fn drawing(&self, graphic: &str) -> String {
        format!(
            concat!(
                r#"<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{z}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">"#,
                r#"<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="{x_from}"><wp:posOffset>{x}</wp:posOffset></wp:positionH>"#,
                r#"<wp:positionV relativeFrom="{y_from}"><wp:posOffset>{y}</wp:posOffset></wp:positionV>"#,
                r#"<wp:extent cx="{w}" cy="{h}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>"#,
                r#"<wp:docPr id="{id}" name="{name} {id}"{description}/><wp:cNvGraphicFramePr/>"#,
                r#"{graphic}</wp:anchor></w:drawing>"#
            ),
            z = self.z,
            x_from = self.x.0.name(),
            x = emu(self.x.1),
            y_from = self.y.0.name(),
            y = emu(self.y.1),
            w = emu(self.width),
            h = emu(self.height),
            id = self.id,
            name = self.name,
            description = if self.description.is_empty() {
                String::new()
            } else {
                format!(r#" descr="{}""#, xml_text(self.description))
            },
            graphic = graphic,
        )
    }

    /// The drawing's size in EMU, for the graphic's own extent.
    pub fn extent(&self) -> (i64, i64) {
        (emu(self.width), emu(self.height))
    }
}

/// Text as XML character data or an attribute's value.
pub fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Relationship types of the parts notice adds.
pub const IMAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
pub const FOOTER: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer";

/// Relates the document to `target` (a path under `word/`) as `id`.
pub fn relate(xml: &mut XMLDocx, id: &str, kind: &str, target: &str) {
    let rels = String::from_utf8_lossy(&xml.document_rels).replace(
        "</Relationships>",
        &format!(r#"<Relationship Id="{id}" Type="{kind}" Target="{target}" /></Relationships>"#),
    );
    xml.document_rels = rels.into_bytes();
}

/// Declares the content type of the package's `.png` files, once.
pub fn declare_png(xml: &mut XMLDocx) {
    let types = String::from_utf8_lossy(&xml.content_type).into_owned();
    if !types.contains(r#"Extension="png""#) {
        xml.content_type = types
            .replacen(
                "<Default ",
                r#"<Default Extension="png" ContentType="image/png" /><Default "#,
                1,
            )
            .into_bytes();
    }
}

/// Declares a footer part added by hand (`/word/footerN.xml`).
pub fn declare_footer(xml: &mut XMLDocx, part: &str) {
    let types = String::from_utf8_lossy(&xml.content_type).replace(
        "</Types>",
        &format!(
            r#"<Override PartName="{part}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" /></Types>"#
        ),
    );
    xml.content_type = types.into_bytes();
}
