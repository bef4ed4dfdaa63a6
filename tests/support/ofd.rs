//! Reads back what an OFD shows, written from the standard and not from
//! notice's writer: every character with its page position in mm (after
//! `Boundary`, `CTM` and `DeltaX`, `g` runs included), every path and
//! picture, and the embedded font files.

use std::collections::BTreeMap;
use std::io::Read;

use roxmltree::{Document, Node};

use super::measure;
use super::pdf::{Glyph, Pdf};

pub const NAMESPACE: &str = "http://www.ofdspec.org/2016";

#[derive(Debug, Clone)]
pub struct Char {
    pub page: usize,
    pub ch: char,
    /// Glyph origin, mm from the page's top-left corner.
    pub x: f64,
    /// Baseline, mm from the page's top.
    pub y: f64,
    pub color: [u8; 3],
    pub font: u32,
    /// Whether a CGTransform gives its glyphs (else `cmap` does).
    pub by_glyph_index: bool,
}

#[derive(Debug, Clone)]
pub struct PathObject {
    pub page: usize,
    /// Left, top, right, bottom of its points on the page, mm.
    pub bounds: [f64; 4],
    pub stroke: Option<[u8; 3]>,
    pub fill: Option<[u8; 3]>,
    pub line_width: f64,
}

#[derive(Debug, Clone)]
pub struct Picture {
    pub page: usize,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub file: String,
}

pub struct Font {
    pub id: u32,
    pub name: String,
    pub data: Vec<u8>,
    /// Glyph ids named by CGTransforms.
    pub glyph_ids: Vec<u16>,
}

pub struct Ofd {
    /// Every file of the package by its path.
    pub parts: BTreeMap<String, Vec<u8>>,
    /// The XML parts and the page Content.xml files, by role.
    pub document: String,
    pub public_res: Vec<String>,
    pub document_res: Vec<String>,
    pub pages: Vec<String>,
    pub page_sizes: Vec<(f64, f64)>,
    pub chars: Vec<Char>,
    pub paths: Vec<PathObject>,
    pub pictures: Vec<Picture>,
    pub fonts: Vec<Font>,
}

fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace()
        .map(|t| {
            t.parse()
                .unwrap_or_else(|_| panic!("a number: {t:?} in {s:?}"))
        })
        .collect()
}

/// `DeltaX` with its `g N value` runs expanded.
fn expand(s: &str) -> Vec<f64> {
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "g" {
            let n: usize = tokens[i + 1].parse().unwrap();
            let v: f64 = tokens[i + 2].parse().unwrap();
            out.extend(std::iter::repeat_n(v, n));
            i += 3;
        } else {
            out.push(tokens[i].parse().unwrap());
            i += 1;
        }
    }
    out
}

/// `dir/relative` with `..` and `/` resolved (a leading `/` is the
/// package root).
fn join(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in relative.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if p == ".." {
            parts.pop();
        } else {
            parts.push(p);
        }
    }
    parts.join("/")
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn color(node: Node, name: &str) -> Option<[u8; 3]> {
    let c = child(node, name)?;
    let v = numbers(c.attribute("Value").unwrap_or("0 0 0"));
    Some([v[0] as u8, v[1] as u8, v[2] as u8])
}

/// Maps object coordinates to the page: CTM, then the boundary's origin.
struct Place {
    ctm: [f64; 6],
    origin: (f64, f64),
}

impl Place {
    fn of(node: Node) -> Place {
        let b = numbers(
            node.attribute("Boundary")
                .expect("every object has a Boundary"),
        );
        let ctm = node
            .attribute("CTM")
            .map_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], |c| {
                let v = numbers(c);
                [v[0], v[1], v[2], v[3], v[4], v[5]]
            });
        Place {
            ctm,
            origin: (b[0], b[1]),
        }
    }

    fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.ctm;
        (
            m[0] * x + m[2] * y + m[4] + self.origin.0,
            m[1] * x + m[3] * y + m[5] + self.origin.1,
        )
    }
}

impl Ofd {
    pub fn parse(bytes: &[u8]) -> Ofd {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an OFD is a zip archive");
        let mut parts = BTreeMap::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            parts.insert(file.name().to_string(), data);
        }
        let text = |parts: &BTreeMap<String, Vec<u8>>, name: &str| -> String {
            String::from_utf8(
                parts
                    .get(name)
                    .unwrap_or_else(|| panic!("the package has {name}"))
                    .clone(),
            )
            .unwrap()
        };
        let ofd_xml = text(&parts, "OFD.xml");
        let ofd = Document::parse(&ofd_xml).unwrap();
        let body = child(ofd.root_element(), "DocBody").expect("DocBody");
        let root = join("", child(body, "DocRoot").unwrap().text().unwrap().trim());
        let doc_dir = dir_of(&root).to_string();
        let document_xml = text(&parts, &root);
        let document = Document::parse(&document_xml).unwrap();
        let common = child(document.root_element(), "CommonData").unwrap();
        let default_area = numbers(
            child(child(common, "PageArea").unwrap(), "PhysicalBox")
                .unwrap()
                .text()
                .unwrap(),
        );

        let mut out = Ofd {
            parts: BTreeMap::new(),
            document: root.clone(),
            public_res: Vec::new(),
            document_res: Vec::new(),
            pages: Vec::new(),
            page_sizes: Vec::new(),
            chars: Vec::new(),
            paths: Vec::new(),
            pictures: Vec::new(),
            fonts: Vec::new(),
        };
        let mut media: BTreeMap<u32, String> = BTreeMap::new();
        for (role, list) in [("PublicRes", true), ("DocumentRes", false)] {
            for res in children(common, role) {
                let path = join(&doc_dir, res.text().unwrap().trim());
                if list {
                    out.public_res.push(path.clone());
                } else {
                    out.document_res.push(path.clone());
                }
                let xml = text(&parts, &path);
                let res = Document::parse(&xml).unwrap();
                let base = join(
                    dir_of(&path),
                    res.root_element().attribute("BaseLoc").unwrap_or(""),
                );
                for font in res
                    .descendants()
                    .filter(|n| n.has_tag_name((NAMESPACE, "Font")))
                {
                    let file =
                        child(font, "FontFile").map(|f| join(&base, f.text().unwrap().trim()));
                    out.fonts.push(Font {
                        id: font.attribute("ID").unwrap().parse().unwrap(),
                        name: font.attribute("FontName").unwrap().to_string(),
                        data: file.map(|f| parts[&f].clone()).unwrap_or_default(),
                        glyph_ids: Vec::new(),
                    });
                }
                for m in res
                    .descendants()
                    .filter(|n| n.has_tag_name((NAMESPACE, "MultiMedia")))
                {
                    let file = join(&base, child(m, "MediaFile").unwrap().text().unwrap().trim());
                    media.insert(m.attribute("ID").unwrap().parse().unwrap(), file);
                }
            }
        }
        let pages = child(document.root_element(), "Pages").unwrap();
        for (n, page) in children(pages, "Page").enumerate() {
            let path = join(&doc_dir, page.attribute("BaseLoc").unwrap());
            out.pages.push(path.clone());
            let xml = text(&parts, &path);
            let content = Document::parse(&xml).unwrap();
            let area = child(content.root_element(), "Area")
                .and_then(|a| child(a, "PhysicalBox"))
                .map_or(default_area.clone(), |b| numbers(b.text().unwrap()));
            out.page_sizes.push((area[2], area[3]));
            let page_number = n + 1;
            for layer in content
                .descendants()
                .filter(|n| n.has_tag_name((NAMESPACE, "Layer")))
            {
                out.read_block(layer, page_number, &media);
            }
        }
        out.parts = parts;
        out
    }

    fn read_block(&mut self, block: Node, page: usize, media: &BTreeMap<u32, String>) {
        for object in block.children().filter(|c| c.is_element()) {
            match object.tag_name().name() {
                "TextObject" => self.read_text(object, page),
                "PathObject" => self.read_path(object, page),
                "ImageObject" => {
                    let place = Place::of(object);
                    let (x0, y0) = place.map(0.0, 0.0);
                    let (x1, y1) = place.map(1.0, 1.0);
                    let id: u32 = object.attribute("ResourceID").unwrap().parse().unwrap();
                    self.pictures.push(Picture {
                        page,
                        left: x0.min(x1),
                        top: y0.min(y1),
                        width: (x1 - x0).abs(),
                        height: (y1 - y0).abs(),
                        file: media
                            .get(&id)
                            .unwrap_or_else(|| panic!("picture resource {id} is declared"))
                            .clone(),
                    });
                }
                "PageBlock" => self.read_block(object, page, media),
                other => panic!("an object this reader does not know: {other}"),
            }
        }
    }

    fn read_text(&mut self, object: Node, page: usize) {
        let place = Place::of(object);
        let font: u32 = object.attribute("Font").unwrap().parse().unwrap();
        let fill = color(object, "FillColor").unwrap_or([0, 0, 0]);
        let mut transforms: Vec<(usize, usize)> = Vec::new();
        for node in object.children().filter(|c| c.is_element()) {
            match node.tag_name().name() {
                "CGTransform" => {
                    let at: usize = node.attribute("CodePosition").unwrap().parse().unwrap();
                    let count: usize = node.attribute("CodeCount").unwrap_or("1").parse().unwrap();
                    transforms.push((at, count));
                    let glyphs =
                        child(node, "Glyphs").map_or(Vec::new(), |g| numbers(g.text().unwrap()));
                    if let Some(f) = self.fonts.iter_mut().find(|f| f.id == font) {
                        f.glyph_ids.extend(glyphs.iter().map(|g| *g as u16));
                    }
                }
                "TextCode" => {
                    let x: f64 = node.attribute("X").unwrap().parse().unwrap();
                    let y: f64 = node.attribute("Y").unwrap().parse().unwrap();
                    let deltas = node.attribute("DeltaX").map(expand).unwrap_or_default();
                    let mut at = x;
                    for (i, ch) in node.text().unwrap_or("").chars().enumerate() {
                        if i > 0 {
                            at += deltas.get(i - 1).copied().unwrap_or(0.0);
                        }
                        let (px, py) = place.map(at, y);
                        self.chars.push(Char {
                            page,
                            ch,
                            x: px,
                            y: py,
                            color: fill,
                            font,
                            by_glyph_index: transforms
                                .iter()
                                .any(|(s, n)| (*s..s + n).contains(&i)),
                        });
                    }
                    transforms.clear();
                }
                "FillColor" | "StrokeColor" | "Actions" | "Clips" => {}
                other => panic!("a TextObject child this reader does not know: {other}"),
            }
        }
    }

    fn read_path(&mut self, object: Node, page: usize) {
        let place = Place::of(object);
        let data = child(object, "AbbreviatedData").unwrap().text().unwrap();
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let mut numbers_left: Vec<f64> = Vec::new();
        let flush = |nums: &mut Vec<f64>, xs: &mut Vec<f64>, ys: &mut Vec<f64>| {
            for pair in nums.chunks(2) {
                if pair.len() == 2 {
                    let (x, y) = place.map(pair[0], pair[1]);
                    xs.push(x);
                    ys.push(y);
                }
            }
            nums.clear();
        };
        for token in data.split_whitespace() {
            match token {
                "S" | "M" | "L" | "Q" | "B" | "C" => flush(&mut numbers_left, &mut xs, &mut ys),
                "A" => panic!("arcs are not written by notice"),
                n => numbers_left.push(n.parse().unwrap()),
            }
        }
        flush(&mut numbers_left, &mut xs, &mut ys);
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let stroke = object.attribute("Stroke") != Some("false");
        let fill = object.attribute("Fill") == Some("true");
        self.paths.push(PathObject {
            page,
            bounds: [min(&xs), min(&ys), max(&xs), max(&ys)],
            stroke: stroke.then(|| color(object, "StrokeColor").unwrap_or([0, 0, 0])),
            fill: fill.then(|| color(object, "FillColor").unwrap_or([0, 0, 0])),
            line_width: object
                .attribute("LineWidth")
                .map_or(0.353, |w| w.parse().unwrap()),
        });
    }

    /// The XML parts with the schema each must validate against.
    pub fn xml_parts(&self) -> Vec<(String, &'static str)> {
        let mut parts = vec![
            ("OFD.xml".to_string(), "OFD.xsd"),
            (self.document.clone(), "Document.xsd"),
        ];
        for r in self.public_res.iter().chain(&self.document_res) {
            parts.push((r.clone(), "Res.xsd"));
        }
        for p in &self.pages {
            parts.push((p.clone(), "Page.xsd"));
        }
        parts
    }
}

/// Whether a glyph of the PDF is lettering inside an SVG seal: the OFD
/// draws a seal's lettering as the outlines it is (paths), not as text.
pub fn in_a_seal(pdf: &Pdf, g: &Glyph) -> bool {
    measure::seal_red(g.color)
        && pdf.shapes.iter().any(|s| {
            s.page == g.page
                && measure::seal_red(s.color)
                && (s.left..=s.right).contains(&g.x)
                && (s.top..=s.bottom).contains(&g.y)
        })
}

/// The OFD's characters against the PDF's, in order: what differs (a
/// character, its page, a position farther than `tolerance` mm, a
/// colour, a page size), how many were compared and the farthest offset.
pub fn compare(ofd: &Ofd, pdf: &Pdf, tolerance: f64) -> (Vec<String>, usize, f64) {
    let mut problems = Vec::new();
    if ofd.page_sizes.len() != pdf.pages {
        problems.push(format!(
            "{} pages, the PDF {}",
            ofd.page_sizes.len(),
            pdf.pages
        ));
    }
    for (n, ((w, h), (pw, ph))) in ofd.page_sizes.iter().zip(&pdf.page_sizes).enumerate() {
        if (w - pw).abs() > 0.05 || (h - ph).abs() > 0.05 {
            problems.push(format!(
                "page {}: {w}×{h} mm against the PDF's {pw}×{ph}",
                n + 1
            ));
        }
    }
    let ours: Vec<&Char> = ofd.chars.iter().filter(|c| !c.ch.is_whitespace()).collect();
    let theirs: Vec<&Glyph> = pdf
        .glyphs
        .iter()
        .filter(|g| !g.ch.is_whitespace() && !in_a_seal(pdf, g))
        .collect();
    let a: String = ours.iter().map(|c| c.ch).collect();
    let b: String = theirs.iter().map(|g| g.ch).collect();
    if a != b {
        problems.push(format!("the characters differ:\n  OFD {a}\n  PDF {b}"));
        return (problems, 0, 0.0);
    }
    let mut worst: f64 = 0.0;
    for (o, p) in ours.iter().zip(&theirs) {
        let off = (o.x - p.x).abs().max((o.y - p.y).abs());
        worst = worst.max(off);
        if o.page != p.page || off > tolerance {
            problems.push(format!(
                "{:?} on page {} at ({:.3}, {:.3}) mm, the PDF has it on page {} at ({:.3}, {:.3})",
                o.ch, o.page, o.x, o.y, p.page, p.x, p.y
            ));
        }
        let pc = p.color.map(|v| (v * 255.0).round() as i32);
        let oc = o.color.map(i32::from);
        if (0..3).any(|i| (pc[i] - oc[i]).abs() > 1) {
            problems.push(format!(
                "{:?} on page {} is {oc:?}, in the PDF {pc:?}",
                o.ch, o.page
            ));
        }
    }
    (problems, ours.len(), worst)
}
