//! Reads back what a PDF shows: every glyph with its character, font,
//! size, position and colour, every stroked rule and every image, in
//! millimetres from the page's top-left corner. Tests measure layout with it.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

pub const PT_TO_MM: f64 = 25.4 / 72.0;

#[derive(Debug, Clone)]
pub struct Glyph {
    pub page: usize,
    pub ch: char,
    /// Font name without the subset prefix, e.g. `FandolFang-Regular`.
    pub font: String,
    /// Em size in points (after any transform).
    pub size: f64,
    /// Horizontal scale of the glyph (1.0 unless narrowed).
    pub x_scale: f64,
    /// Left edge of the glyph's advance, mm from the page's left.
    pub x: f64,
    /// Baseline, mm from the page's top.
    pub y: f64,
    /// Advance width in mm.
    pub width: f64,
    /// Fill colour, RGB in 0..=1 (grey repeated).
    pub color: [f64; 3],
    /// Direction of the baseline in degrees, counter-clockwise as seen on
    /// the page (0 for upright text, 90 for text turned a quarter left).
    pub angle: f64,
}

impl Glyph {
    /// Top of the ideographic em box (0.88 em above the baseline), mm.
    pub fn em_top(&self) -> f64 {
        self.y - 0.88 * self.size * PT_TO_MM
    }

    /// Bottom of the ideographic em box, mm.
    pub fn em_bottom(&self) -> f64 {
        self.y + 0.12 * self.size * PT_TO_MM
    }

    pub fn right(&self) -> f64 {
        self.x + self.width
    }
}

/// A stroked straight segment.
#[derive(Debug, Clone)]
pub struct Rule {
    pub page: usize,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// Stroke width in mm.
    pub weight: f64,
    pub color: [f64; 3],
}

#[derive(Debug, Clone)]
pub struct Picture {
    pub page: usize,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// The bounding box of a filled or stroked path (vector art such as an
/// SVG seal), in mm.
#[derive(Debug, Clone)]
pub struct Shape {
    pub page: usize,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub color: [f64; 3],
}

#[derive(Debug, Default)]
pub struct Pdf {
    pub shapes: Vec<Shape>,
    pub pages: usize,
    /// Page size in mm (width, height) of each page.
    pub page_sizes: Vec<(f64, f64)>,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    pub pictures: Vec<Picture>,
}

/// A line of text: glyphs of one page sharing a baseline, left to right.
#[derive(Debug, Clone)]
pub struct Line {
    pub page: usize,
    pub y: f64,
    pub glyphs: Vec<Glyph>,
}

impl Line {
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
    pub fn left(&self) -> f64 {
        self.glyphs.first().map_or(0.0, |g| g.x)
    }
    pub fn right(&self) -> f64 {
        self.glyphs.last().map_or(0.0, |g| g.right())
    }
}

impl Pdf {
    pub fn parse(bytes: &[u8]) -> Pdf {
        let doc = Document::load_mem(bytes).expect("a readable PDF");
        let mut pdf = Pdf::default();
        let pages = doc.get_pages();
        pdf.pages = pages.len();
        for (number, page_id) in pages {
            let page = doc.get_dictionary(page_id).unwrap();
            let media = page
                .get(b"MediaBox")
                .and_then(|m| m.as_array())
                .map(|a| a.iter().map(number_of).collect::<Vec<f64>>());
            let (w, h) = match media {
                Ok(m) if m.len() == 4 => (m[2] - m[0], m[3] - m[1]),
                _ => (595.276, 841.89),
            };
            pdf.page_sizes.push((w * PT_TO_MM, h * PT_TO_MM));
            let content = doc.get_page_content(page_id);
            let resources = page_resources(&doc, page_id);
            let mut reader = Reader::new(&doc, number as usize, h, &mut pdf);
            reader.run(&content, &resources, Matrix::IDENTITY);
        }
        pdf
    }

    /// Text lines of a page (1-based), top to bottom.
    pub fn lines(&self, page: usize) -> Vec<Line> {
        let mut glyphs: Vec<&Glyph> = self
            .glyphs
            .iter()
            .filter(|g| g.page == page && g.angle.abs() < 1.0)
            .collect();
        glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        let mut lines: Vec<Line> = Vec::new();
        for g in glyphs {
            match lines.last_mut() {
                Some(line) if (line.y - g.y).abs() < 0.3 => line.glyphs.push(g.clone()),
                _ => lines.push(Line {
                    page,
                    y: g.y,
                    glyphs: vec![g.clone()],
                }),
            }
        }
        for line in &mut lines {
            line.glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
        }
        lines
    }

    /// All lines of every page, in page order.
    pub fn all_lines(&self) -> Vec<Line> {
        (1..=self.pages).flat_map(|p| self.lines(p)).collect()
    }

    /// The first line containing `needle`.
    pub fn find_line(&self, needle: &str) -> Line {
        self.all_lines()
            .into_iter()
            .find(|l| l.text().contains(needle))
            .unwrap_or_else(|| {
                panic!(
                    "no line contains {needle:?}; lines: {:#?}",
                    self.all_lines().iter().map(Line::text).collect::<Vec<_>>()
                )
            })
    }

    /// The first line whose whole text is `text`.
    pub fn exact_line(&self, text: &str) -> Line {
        self.all_lines()
            .into_iter()
            .find(|l| l.text() == text)
            .unwrap_or_else(|| panic!("no line reads {text:?}"))
    }

    /// The text of a page, line by line.
    pub fn page_text(&self, page: usize) -> String {
        self.lines(page)
            .iter()
            .map(Line::text)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// self × other (apply self first, then other).
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn translate(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

fn number_of(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => *r as f64,
        _ => 0.0,
    }
}

fn page_resources(doc: &Document, page_id: ObjectId) -> Dictionary {
    let (direct, inherited) = doc.get_page_resources(page_id).unwrap();
    let mut out = Dictionary::new();
    for id in inherited.iter().rev() {
        if let Ok(d) = doc.get_dictionary(*id) {
            for (k, v) in d.iter() {
                out.set(k.clone(), v.clone());
            }
        }
    }
    if let Some(d) = direct {
        for (k, v) in d.iter() {
            out.set(k.clone(), v.clone());
        }
    }
    out
}

struct FontInfo {
    name: String,
    widths: HashMap<u32, f64>,
    default_width: f64,
    to_unicode: HashMap<u32, String>,
    two_byte: bool,
}

struct State {
    ctm: Matrix,
    fill: [f64; 3],
    stroke: [f64; 3],
    line_width: f64,
}

struct Reader<'a> {
    doc: &'a Document,
    page: usize,
    page_height: f64,
    out: &'a mut Pdf,
    fonts: HashMap<Vec<u8>, FontInfo>,
}

impl<'a> Reader<'a> {
    fn new(doc: &'a Document, page: usize, page_height: f64, out: &'a mut Pdf) -> Self {
        Reader {
            doc,
            page,
            page_height,
            out,
            fonts: HashMap::new(),
        }
    }

    fn deref<'b>(&'b self, o: &'b Object) -> &'b Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    fn dict_in<'b>(&'b self, d: &'b Dictionary, key: &[u8]) -> Option<&'b Dictionary> {
        d.get(key)
            .ok()
            .map(|o| self.deref(o))
            .and_then(|o| o.as_dict().ok())
    }

    fn font(&mut self, resources: &Dictionary, name: &[u8]) -> Option<&FontInfo> {
        let key = name.to_vec();
        if !self.fonts.contains_key(&key) {
            let fonts = self.dict_in(resources, b"Font")?;
            let font = self.deref(fonts.get(name).ok()?).as_dict().ok()?.clone();
            let info = self.load_font(&font);
            self.fonts.insert(key.clone(), info);
        }
        self.fonts.get(&key)
    }

    fn load_font(&self, font: &Dictionary) -> FontInfo {
        let base = font
            .get(b"BaseFont")
            .ok()
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let name = match base.split_once('+') {
            Some((prefix, rest)) if prefix.len() == 6 => rest.to_string(),
            _ => base,
        };
        let subtype = font
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let mut widths = HashMap::new();
        let mut default_width = 1000.0;
        let two_byte = subtype == b"Type0";
        if two_byte {
            if let Ok(desc) = font.get(b"DescendantFonts") {
                let arr = self
                    .deref(desc)
                    .as_array()
                    .ok()
                    .cloned()
                    .unwrap_or_default();
                if let Some(cid) = arr
                    .first()
                    .map(|o| self.deref(o))
                    .and_then(|o| o.as_dict().ok())
                {
                    if let Ok(dw) = cid.get(b"DW") {
                        default_width = number_of(self.deref(dw));
                    }
                    if let Ok(w) = cid.get(b"W") {
                        let w = self.deref(w).as_array().ok().cloned().unwrap_or_default();
                        let mut i = 0;
                        while i < w.len() {
                            let first = number_of(self.deref(&w[i])) as u32;
                            match self.deref(&w[i + 1]) {
                                Object::Array(list) => {
                                    for (k, v) in list.iter().enumerate() {
                                        widths.insert(first + k as u32, number_of(self.deref(v)));
                                    }
                                    i += 2;
                                }
                                other => {
                                    let last = number_of(other) as u32;
                                    let v = number_of(self.deref(&w[i + 2]));
                                    for c in first..=last {
                                        widths.insert(c, v);
                                    }
                                    i += 3;
                                }
                            }
                        }
                    }
                }
            }
        } else if let (Ok(first), Ok(w)) = (font.get(b"FirstChar"), font.get(b"Widths")) {
            let first = number_of(self.deref(first)) as u32;
            for (k, v) in self
                .deref(w)
                .as_array()
                .ok()
                .cloned()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                widths.insert(first + k as u32, number_of(self.deref(v)));
            }
        }
        let mut to_unicode = HashMap::new();
        if let Ok(tu) = font.get(b"ToUnicode")
            && let Ok(stream) = self.deref(tu).as_stream()
        {
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            parse_cmap(&String::from_utf8_lossy(&data), &mut to_unicode);
        }
        FontInfo {
            name,
            widths,
            default_width,
            to_unicode,
            two_byte,
        }
    }

    fn run(&mut self, content: &[u8], resources: &Dictionary, base: Matrix) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        let mut stack: Vec<State> = Vec::new();
        let mut st = State {
            ctm: base,
            fill: [0.0; 3],
            stroke: [0.0; 3],
            line_width: 1.0,
        };
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        let mut font: Option<Vec<u8>> = None;
        let mut size = 0.0;
        let mut char_spacing = 0.0;
        let mut word_spacing = 0.0;
        let mut hscale = 1.0;
        let mut rise = 0.0;
        let mut leading = 0.0;
        let mut path: Vec<(f64, f64, f64, f64, bool)> = Vec::new();
        let mut current = (0.0, 0.0);
        let mut start = (0.0, 0.0);
        for op in content.operations {
            let nums: Vec<f64> = op.operands.iter().map(number_of).collect();
            match op.operator.as_str() {
                "q" => stack.push(State { ..st }),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        st = s;
                    }
                }
                "cm" if nums.len() == 6 => {
                    st.ctm =
                        Matrix([nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]]).then(st.ctm);
                }
                "w" if !nums.is_empty() => st.line_width = nums[0],
                "rg" | "sc" | "scn" if nums.len() >= 3 => st.fill = [nums[0], nums[1], nums[2]],
                "g" | "sc" | "scn" if nums.len() == 1 => st.fill = [nums[0]; 3],
                "RG" | "SC" | "SCN" if nums.len() >= 3 => st.stroke = [nums[0], nums[1], nums[2]],
                "G" | "SC" | "SCN" if nums.len() == 1 => st.stroke = [nums[0]; 3],
                "m" if nums.len() == 2 => {
                    current = (nums[0], nums[1]);
                    start = current;
                }
                "l" if nums.len() == 2 => {
                    path.push((current.0, current.1, nums[0], nums[1], true));
                    current = (nums[0], nums[1]);
                }
                "c" if nums.len() == 6 => {
                    path.push((current.0, current.1, nums[4], nums[5], false));
                    path.push((nums[0], nums[1], nums[2], nums[3], false));
                    current = (nums[4], nums[5]);
                }
                "v" | "y" if nums.len() == 4 => {
                    path.push((current.0, current.1, nums[2], nums[3], false));
                    current = (nums[2], nums[3]);
                }
                "h" => path.push((current.0, current.1, start.0, start.1, true)),
                "re" if nums.len() == 4 => {
                    let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
                    path.push((x, y, x + w, y, true));
                    path.push((x + w, y, x + w, y + h, true));
                    path.push((x + w, y + h, x, y + h, true));
                    path.push((x, y + h, x, y, true));
                }
                "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "S" | "s" if !path.is_empty() => {
                    let color = if op.operator.starts_with(['S', 's']) {
                        st.stroke
                    } else {
                        st.fill
                    };
                    let points: Vec<(f64, f64)> = path
                        .iter()
                        .flat_map(|(x1, y1, x2, y2, _)| {
                            [st.ctm.apply(*x1, *y1), st.ctm.apply(*x2, *y2)]
                        })
                        .collect();
                    let (mut l, mut r, mut t, mut b) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
                    for (x, y) in points {
                        l = l.min(x * PT_TO_MM);
                        r = r.max(x * PT_TO_MM);
                        t = t.min((self.page_height - y) * PT_TO_MM);
                        b = b.max((self.page_height - y) * PT_TO_MM);
                    }
                    self.out.shapes.push(Shape {
                        page: self.page,
                        left: l,
                        top: t,
                        right: r,
                        bottom: b,
                        color,
                    });
                    if op.operator.starts_with(['f', 'F']) {
                        path.clear();
                        continue;
                    }
                    let scale = (st.ctm.0[0] * st.ctm.0[3] - st.ctm.0[1] * st.ctm.0[2])
                        .abs()
                        .sqrt();
                    for (x1, y1, x2, y2, straight) in path.drain(..) {
                        if !straight {
                            continue;
                        }
                        let (a, b) = st.ctm.apply(x1, y1);
                        let (c, d) = st.ctm.apply(x2, y2);
                        self.out.rules.push(Rule {
                            page: self.page,
                            x1: a * PT_TO_MM,
                            y1: (self.page_height - b) * PT_TO_MM,
                            x2: c * PT_TO_MM,
                            y2: (self.page_height - d) * PT_TO_MM,
                            weight: st.line_width * scale * PT_TO_MM,
                            color: st.stroke,
                        });
                    }
                }
                "n" | "W" | "W*" => path.clear(),
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" if op.operands.len() == 2 => {
                    font = op.operands[0].as_name().ok().map(|n| n.to_vec());
                    size = number_of(&op.operands[1]);
                }
                "Tc" if !nums.is_empty() => char_spacing = nums[0],
                "Tw" if !nums.is_empty() => word_spacing = nums[0],
                "Tz" if !nums.is_empty() => hscale = nums[0] / 100.0,
                "TL" if !nums.is_empty() => leading = nums[0],
                "Ts" if !nums.is_empty() => rise = nums[0],
                "Tm" if nums.len() == 6 => {
                    tm = Matrix([nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]]);
                    tlm = tm;
                }
                "Td" | "TD" if nums.len() == 2 => {
                    if op.operator == "TD" {
                        leading = -nums[1];
                    }
                    tlm = Matrix::translate(nums[0], nums[1]).then(tlm);
                    tm = tlm;
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -leading).then(tlm);
                    tm = tlm;
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    let Some(name) = font.clone() else { continue };
                    let items: Vec<Object> = match op.operator.as_str() {
                        "TJ" => op
                            .operands
                            .first()
                            .and_then(|o| o.as_array().ok())
                            .cloned()
                            .unwrap_or_default(),
                        _ => op.operands.last().cloned().into_iter().collect(),
                    };
                    let Some(info) = self.font(resources, &name) else {
                        continue;
                    };
                    let info_name = info.name.clone();
                    let mut glyphs = Vec::new();
                    for item in items {
                        match item {
                            Object::String(bytes, _) => {
                                let codes: Vec<u32> = if info.two_byte {
                                    bytes
                                        .chunks(2)
                                        .map(|c| {
                                            ((c[0] as u32) << 8) | *c.get(1).unwrap_or(&0) as u32
                                        })
                                        .collect()
                                } else {
                                    bytes.iter().map(|b| *b as u32).collect()
                                };
                                for code in codes {
                                    let w = info
                                        .widths
                                        .get(&code)
                                        .copied()
                                        .unwrap_or(info.default_width)
                                        / 1000.0;
                                    let text = info
                                        .to_unicode
                                        .get(&code)
                                        .cloned()
                                        .unwrap_or_else(|| "\u{FFFD}".into());
                                    glyphs.push((text, w, tm));
                                    let mut advance = w * size + char_spacing;
                                    if code == 32 && !info.two_byte {
                                        advance += word_spacing;
                                    }
                                    tm = Matrix::translate(advance * hscale, 0.0).then(tm);
                                }
                            }
                            other => {
                                let adjust = number_of(&other);
                                tm = Matrix::translate(-adjust / 1000.0 * size * hscale, 0.0)
                                    .then(tm);
                            }
                        }
                    }
                    for (text, w, at) in glyphs {
                        let full = Matrix([size * hscale, 0.0, 0.0, size, 0.0, rise])
                            .then(at)
                            .then(st.ctm);
                        let (x0, y0) = full.apply(0.0, 0.0);
                        let (x1, _) = full.apply(w, 0.0);
                        let [a, b, c, d, _, _] = full.0;
                        let v_scale = (c * c + d * d).sqrt();
                        let h_scale = (a * a + b * b).sqrt();
                        let angle = b.atan2(a).to_degrees();
                        for ch in text.chars() {
                            self.out.glyphs.push(Glyph {
                                page: self.page,
                                ch,
                                font: info_name.clone(),
                                size: v_scale,
                                x_scale: h_scale / v_scale,
                                x: x0 * PT_TO_MM,
                                y: (self.page_height - y0) * PT_TO_MM,
                                width: (x1 - x0).abs() * PT_TO_MM,
                                color: st.fill,
                                angle,
                            });
                        }
                    }
                }
                "Do" => {
                    let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    let Some(xobjects) = self.dict_in(resources, b"XObject") else {
                        continue;
                    };
                    let Ok(obj) = xobjects.get(name) else {
                        continue;
                    };
                    let Ok(stream) = self.deref(obj).as_stream() else {
                        continue;
                    };
                    let stream = stream.clone();
                    let subtype = stream
                        .dict
                        .get(b"Subtype")
                        .ok()
                        .and_then(|o| o.as_name().ok())
                        .unwrap_or(b"")
                        .to_vec();
                    if subtype == b"Image" {
                        let (x0, y0) = st.ctm.apply(0.0, 0.0);
                        let (x1, y1) = st.ctm.apply(1.0, 1.0);
                        self.out.pictures.push(Picture {
                            page: self.page,
                            left: x0.min(x1) * PT_TO_MM,
                            top: (self.page_height - y0.max(y1)) * PT_TO_MM,
                            width: (x1 - x0).abs() * PT_TO_MM,
                            height: (y1 - y0).abs() * PT_TO_MM,
                        });
                    } else if subtype == b"Form" {
                        let matrix = stream
                            .dict
                            .get(b"Matrix")
                            .ok()
                            .and_then(|m| m.as_array().ok())
                            .map(|a| a.iter().map(number_of).collect::<Vec<_>>())
                            .filter(|m| m.len() == 6)
                            .map(|m| Matrix([m[0], m[1], m[2], m[3], m[4], m[5]]))
                            .unwrap_or(Matrix::IDENTITY);
                        let inner = self
                            .dict_in(&stream.dict, b"Resources")
                            .cloned()
                            .unwrap_or_else(|| resources.clone());
                        let data = stream
                            .decompressed_content()
                            .unwrap_or_else(|_| stream.content.clone());
                        let saved = std::mem::take(&mut self.fonts);
                        self.run(&data, &inner, matrix.then(st.ctm));
                        self.fonts = saved;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Reads `bfchar` and `bfrange` entries of a ToUnicode CMap.
fn parse_cmap(text: &str, out: &mut HashMap<u32, String>) {
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(|c| c == '<' || c == '>'), 16).ok();
    let utf16 = |s: &str| {
        let s = s.trim_matches(|c| c == '<' || c == '>');
        let units: Vec<u16> = (0..s.len() / 4)
            .filter_map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).ok())
            .collect();
        String::from_utf16_lossy(&units)
    };
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    if let Some(code) = hex(tokens[i]) {
                        out.insert(code, utf16(tokens[i + 1]));
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    let (Some(lo), Some(hi)) = (hex(tokens[i]), hex(tokens[i + 1])) else {
                        break;
                    };
                    if tokens[i + 2].starts_with('[') {
                        let mut k = i + 2;
                        let mut code = lo;
                        loop {
                            let t = tokens[k].trim_start_matches('[').trim_end_matches(']');
                            out.insert(code, utf16(t));
                            code += 1;
                            if tokens[k].ends_with(']') {
                                break;
                            }
                            k += 1;
                        }
                        i = k + 1;
                    } else {
                        let base = utf16(tokens[i + 2]);
                        let first = base.chars().next().map_or(0, |c| c as u32);
                        for (k, code) in (lo..=hi).enumerate() {
                            if let Some(c) = char::from_u32(first + k as u32) {
                                out.insert(code, c.to_string());
                            }
                        }
                        i += 3;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}
