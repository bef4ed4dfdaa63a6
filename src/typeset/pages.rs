//! What is on each laid-out page, in millimetres from the page's top-left
//! corner: every glyph with its em box, every image, every rule, and the
//! markers the template leaves (`metadata(…)<notice-marker>`). The audit
//! measures these; the closing fitter reads where the body ends.

use typst::foundations::Value;
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::visualize::{Color, Geometry, Paint};
use typst_layout::PagedDocument;

use super::markers::{self, Mark};
use crate::gbt9704::PT_PER_MM;

/// A rectangle on a page, in mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    fn around(points: &[(f64, f64)]) -> Rect {
        let xs = points.iter().map(|p| p.0);
        let ys = points.iter().map(|p| p.1);
        Rect {
            x0: xs.clone().fold(f64::INFINITY, f64::min),
            x1: xs.fold(f64::NEG_INFINITY, f64::max),
            y0: ys.clone().fold(f64::INFINITY, f64::min),
            y1: ys.fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// The area two rectangles share, if they overlap by more than `slack`
    /// in both directions.
    pub fn overlap(&self, other: &Rect, slack: f64) -> Option<(f64, f64)> {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        (w > slack && h > slack).then_some((w, h))
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// One glyph as printed.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// The characters the glyph stands for.
    pub text: String,
    /// Size in points.
    pub size: f64,
    /// Typst's family name of the face.
    pub family: String,
    /// Fill colour, RGB.
    pub color: [u8; 3],
    /// The glyph's box: its em square (0.88em above the baseline, 0.12em
    /// below) over its advance width, at most one em, as placed on the
    /// page.
    pub rect: Rect,
    /// Baseline (mm from the top) for upright glyphs.
    pub baseline: f64,
    /// Whether the glyph is upright (not turned with a landscape table).
    pub upright: bool,
}

/// A stroked line or rectangle edge.
#[derive(Debug, Clone)]
pub struct Rule {
    pub rect: Rect,
    pub color: [u8; 3],
}

/// A marker the template placed ([`super::markers`]), and where it is.
#[derive(Debug, Clone)]
pub struct Marker {
    pub mark: Mark,
    pub x: f64,
    pub y: f64,
}

/// Everything printed on one page.
#[derive(Debug, Clone, Default)]
pub struct PageView {
    /// 1-based.
    pub number: usize,
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    pub images: Vec<Rect>,
    pub rules: Vec<Rule>,
    pub markers: Vec<Marker>,
}

/// A line of text: upright glyphs of one size sharing a baseline.
#[derive(Debug, Clone)]
pub struct Line {
    pub baseline: f64,
    pub size: f64,
    pub glyphs: Vec<Glyph>,
}

impl Line {
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    pub fn left(&self) -> f64 {
        self.glyphs
            .iter()
            .map(|g| g.rect.x0)
            .fold(f64::INFINITY, f64::min)
    }

    pub fn right(&self) -> f64 {
        self.glyphs
            .iter()
            .map(|g| g.rect.x1)
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

impl PageView {
    /// The upright text lines of the page, top to bottom, each left to
    /// right.
    pub fn lines(&self) -> Vec<Line> {
        let mut glyphs: Vec<&Glyph> = self.glyphs.iter().filter(|g| g.upright).collect();
        glyphs.sort_by(|a, b| {
            a.baseline
                .total_cmp(&b.baseline)
                .then(a.rect.x0.total_cmp(&b.rect.x0))
        });
        let mut lines: Vec<Line> = Vec::new();
        for g in glyphs {
            match lines.last_mut() {
                Some(line)
                    if (line.baseline - g.baseline).abs() < 0.05
                        && (line.size - g.size).abs() < 0.01 =>
                {
                    line.glyphs.push(g.clone())
                }
                _ => lines.push(Line {
                    baseline: g.baseline,
                    size: g.size,
                    glyphs: vec![g.clone()],
                }),
            }
        }
        for line in &mut lines {
            line.glyphs.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
        }
        lines
    }

    /// Where the page has the marker `mark`, if it does.
    pub fn marker(&self, mark: Mark) -> Option<&Marker> {
        self.markers.iter().find(|m| m.mark == mark)
    }
}

fn mm(abs: Abs) -> f64 {
    abs.to_pt() / PT_PER_MM
}

/// Every page of a laid-out document.
pub fn pages(document: &PagedDocument) -> Vec<PageView> {
    document
        .pages()
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let mut view = PageView {
                number: i + 1,
                width: mm(page.frame.width()),
                height: mm(page.frame.height()),
                ..PageView::default()
            };
            walk(&page.frame, Transform::identity(), &mut view);
            view
        })
        .collect()
}

fn point_mm(ts: Transform, x: Abs, y: Abs) -> (f64, f64) {
    let p = Point::new(x, y).transform(ts);
    (mm(p.x), mm(p.y))
}

/// A paint as RGB of 0..=255, for the audit and the writers that set
/// colours themselves: solid colours converted to sRGB, gradients and
/// tilings by their first colour or black (the templates use solid
/// colours only).
pub fn rgb(paint: &Paint) -> [u8; 3] {
    let color = match paint {
        Paint::Solid(c) => c.clone(),
        Paint::Gradient(g) => g.stops_ref().first().map_or(Color::BLACK, |s| s.0.clone()),
        Paint::Tiling(_) => Color::BLACK,
    };
    let c = color.to_rgb();
    [c.red, c.green, c.blue].map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
}

fn walk(frame: &Frame, ts: Transform, view: &mut PageView) {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                walk(&group.frame, here.pre_concat(group.transform), view);
            }
            FrameItem::Text(text) => {
                let size = text.size;
                let upright = ts.kx.get().abs() < 1e-9 && ts.ky.get().abs() < 1e-9;
                let mut x = Abs::zero();
                for glyph in &text.glyphs {
                    let advance = glyph.x_advance.at(size);
                    // The glyph's own box: where it is drawn, at most one em
                    // wide (the advance also holds tracking and the space
                    // justification adds after it).
                    let left = x + glyph.x_offset.at(size);
                    let right = left + advance.min(size);
                    let top = -(size * 0.88) - glyph.y_offset.at(size);
                    let bottom = size * 0.12 - glyph.y_offset.at(size);
                    let corners = [
                        point_mm(here, left, top),
                        point_mm(here, right, top),
                        point_mm(here, left, bottom),
                        point_mm(here, right, bottom),
                    ];
                    let baseline = point_mm(here, x, Abs::zero()).1;
                    view.glyphs.push(Glyph {
                        text: text.text.get(glyph.range()).unwrap_or("").to_string(),
                        size: size.to_pt(),
                        family: text.font.info().family.clone(),
                        color: rgb(&text.fill),
                        rect: Rect::around(&corners),
                        baseline,
                        upright,
                    });
                    x += advance;
                }
            }
            FrameItem::Shape(shape, _) => {
                let Some(stroke) = &shape.stroke else {
                    continue;
                };
                let half = stroke.thickness / 2.0;
                let corners: Vec<(f64, f64)> = match &shape.geometry {
                    Geometry::Line(to) => {
                        let (dx, dy) = if to.y.approx_eq(Abs::zero()) {
                            (Abs::zero(), half)
                        } else {
                            (half, Abs::zero())
                        };
                        vec![
                            point_mm(here, -dx, -dy),
                            point_mm(here, to.x + dx, to.y + dy),
                        ]
                    }
                    Geometry::Rect(size) => vec![
                        point_mm(here, -half, -half),
                        point_mm(here, size.x + half, size.y + half),
                    ],
                    Geometry::Curve(_) => continue,
                };
                view.rules.push(Rule {
                    rect: Rect::around(&corners),
                    color: rgb(&stroke.paint),
                });
            }
            FrameItem::Image(_, size, _) => {
                let corners = [
                    point_mm(here, Abs::zero(), Abs::zero()),
                    point_mm(here, size.x, Abs::zero()),
                    point_mm(here, Abs::zero(), size.y),
                    point_mm(here, size.x, size.y),
                ];
                view.images.push(Rect::around(&corners));
            }
            FrameItem::Tag(typst::introspection::Tag::Start(content, _)) => {
                if content
                    .label()
                    .is_some_and(|l| l.resolve().as_str() == markers::LABEL)
                    && let Some(meta) = content.to_packed::<typst::introspection::MetadataElem>()
                {
                    // A template's own markers are its business.
                    if let Value::Str(s) = &meta.value
                        && let Some(mark) = Mark::parse(s)
                    {
                        let (x, y) = point_mm(here, Abs::zero(), Abs::zero());
                        view.markers.push(Marker { mark, x, y });
                    }
                }
            }
            _ => {}
        }
    }
}
