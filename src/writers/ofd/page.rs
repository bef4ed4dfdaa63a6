//! One page's `Content.xml`: the laid-out frame walked item by item, each
//! glyph run a TextObject, each shape a PathObject, each picture an
//! ImageObject (or, for an SVG seal, the PathObjects it is drawn with).
//!
//! Typst and OFD share the page's top-left origin with y downwards, so a
//! position only changes unit (pt to mm). Objects under a rotation or a
//! scale keep their own coordinates and carry the transform as `CTM`,
//! with the page as their boundary.

use std::fmt::Write;

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst::text::TextItem;
use typst::visualize::{
    CurveItem, FillRule, FixedStroke, Geometry, Image, LineCap, LineJoin, Shape,
};

use super::resources::Resources;
use super::xml::{array, deltas, escape, matrix, num};
use crate::diagnostic::Failed;
use crate::typeset::pages::rgb;

pub const NAMESPACE: &str = "http://www.ofdspec.org/2016";

fn mm(abs: Abs) -> f64 {
    abs.to_mm()
}

/// A page's Content.xml.
pub fn content(frame: &Frame, res: &mut Resources) -> Result<String, Failed> {
    let size = frame.size();
    let mut page = PageWriter {
        res,
        out: String::new(),
        page: (mm(size.x), mm(size.y)),
    };
    let layer = page.res.ids.next();
    page.frame(frame, Transform::identity())?;
    let mut xml = String::with_capacity(page.out.len() + 400);
    let _ = write!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NAMESPACE}"><ofd:Area><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="{layer}" Type="Body">"#,
        num(page.page.0),
        num(page.page.1)
    );
    xml.push_str(&page.out);
    xml.push_str("</ofd:Layer></ofd:Content></ofd:Page>");
    Ok(xml)
}

struct PageWriter<'a> {
    res: &'a mut Resources,
    out: String,
    /// Page size in mm.
    page: (f64, f64),
}

/// Where an object's own coordinates (mm) land on the page.
enum Placement {
    /// Moved only: page = own + offset.
    Offset(f64, f64),
    /// Turned or scaled: the page is the boundary and this is the CTM.
    Matrix([f64; 6]),
}

fn placement(ts: Transform) -> Placement {
    let (tx, ty) = (mm(ts.tx), mm(ts.ty));
    if ts.sx.get() == 1.0 && ts.sy.get() == 1.0 && ts.kx.get() == 0.0 && ts.ky.get() == 0.0 {
        Placement::Offset(tx, ty)
    } else {
        Placement::Matrix([ts.sx.get(), ts.ky.get(), ts.kx.get(), ts.sy.get(), tx, ty])
    }
}

fn color(tag: &str, c: [u8; 3]) -> String {
    format!(r#"<ofd:{tag} Value="{} {} {}"/>"#, c[0], c[1], c[2])
}

/// A glyph cluster: the characters it shows and where, in the run's own
/// coordinates (mm, baseline at y = 0).
struct Cluster {
    text: String,
    x: f64,
    y: f64,
    /// Ids in the subset; more than one, or one a reader cannot find from
    /// the text through `cmap`, need a CGTransform.
    glyphs: Vec<u16>,
    mapped: bool,
}

impl PageWriter<'_> {
    fn frame(&mut self, frame: &Frame, ts: Transform) -> Result<(), Failed> {
        for (pos, item) in frame.items() {
            let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                // notice's templates clip nothing (a clip would need
                // OFD `Clips`, which readers handle unevenly).
                FrameItem::Group(group) => {
                    self.frame(&group.frame, ts.pre_concat(group.transform))?;
                }
                FrameItem::Text(text) => self.text(text, ts),
                FrameItem::Shape(shape, _) => self.shape(shape, ts),
                FrameItem::Image(image, size, _) => self.image(image, *size, ts)?,
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
        Ok(())
    }

    /// The `Boundary` and `CTM` attributes of an object whose own
    /// coordinates span `own` (x, y, w, h in mm) before placement, and the
    /// offset to subtract from own coordinates.
    fn frame_attributes(&self, ts: Transform, own: [f64; 4]) -> (String, (f64, f64)) {
        match placement(ts) {
            Placement::Offset(dx, dy) => {
                let (x, y) = (own[0] + dx, own[1] + dy);
                (
                    format!(r#"Boundary="{}""#, array(&[x, y, own[2], own[3]])),
                    (own[0], own[1]),
                )
            }
            Placement::Matrix(m) => (
                format!(
                    r#"Boundary="0 0 {} {}" CTM="{}""#,
                    num(self.page.0),
                    num(self.page.1),
                    matrix(&m)
                ),
                (0.0, 0.0),
            ),
        }
    }

    fn text(&mut self, item: &TextItem, ts: Transform) {
        let size = item.size;
        if size <= Abs::zero() {
            return;
        }
        let (font_id, subset) = self.res.font(item.font.font());
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut pen = 0.0;
        let glyphs = &item.glyphs;
        let mut i = 0;
        while i < glyphs.len() {
            let range = glyphs[i].range();
            let end = i + glyphs[i..]
                .iter()
                .take_while(|g| g.range() == range)
                .count();
            let text = item.text.get(range).unwrap_or("");
            let single = end == i + 1;
            let mut ids = Vec::with_capacity(end - i);
            let mut mapped = single;
            for g in &glyphs[i..end] {
                let (id, found) = subset.add(g.id, if single { text } else { "" });
                mapped &= found;
                ids.push(id);
            }
            let first = &glyphs[i];
            if !text.is_empty() {
                clusters.push(Cluster {
                    text: text.to_string(),
                    x: pen + mm(first.x_offset.at(size)),
                    y: -mm(first.y_offset.at(size)),
                    glyphs: ids,
                    mapped,
                });
            }
            pen += glyphs[i..end]
                .iter()
                .map(|g| mm(g.x_advance.at(size)))
                .sum::<f64>();
            i = end;
        }
        // Readers trim white space at the ends of a TextCode and then set
        // its first character at X: leave the spaces out there (they have
        // no ink; the ones inside a run stay).
        let blank = |c: &Cluster| c.text.chars().all(char::is_whitespace);
        let end = clusters
            .iter()
            .rposition(|c| !blank(c))
            .map_or(0, |i| i + 1);
        clusters.truncate(end);
        let start = clusters.iter().position(|c| !blank(c)).unwrap_or(0);
        clusters.drain(..start);
        if clusters.is_empty() {
            return;
        }
        let em = mm(size);
        let left = clusters.iter().map(|c| c.x).fold(f64::INFINITY, f64::min);
        let right = pen.max(clusters.iter().map(|c| c.x).fold(0.0, f64::max) + em);
        // Room for every glyph's ink: CJK faces reach 0.88 em up and
        // 0.12 em down; accents and brackets a little more.
        let own = [left - em * 0.5, -em * 1.25, right - left + em, em * 1.75];
        let (frame, (ox, oy)) = self.frame_attributes(ts, own);
        let id = self.res.ids.next();
        let out = &mut self.out;
        let _ = write!(
            out,
            r#"<ofd:TextObject ID="{id}" {frame} Font="{font_id}" Size="{}""#,
            num(em)
        );
        if let Some(stroke) = &item.stroke {
            let _ = write!(
                out,
                r#" Stroke="true" LineWidth="{}""#,
                num(mm(stroke.thickness))
            );
        }
        out.push('>');
        out.push_str(&color("FillColor", rgb(&item.fill)));
        if let Some(stroke) = &item.stroke {
            out.push_str(&color("StrokeColor", rgb(&stroke.paint)));
        }
        // One TextCode per baseline: glyphs raised or lowered start another.
        let mut start = 0;
        while start < clusters.len() {
            let y = clusters[start].y;
            let end = start
                + clusters[start..]
                    .iter()
                    .take_while(|c| (c.y - y).abs() < 1e-6)
                    .count();
            let run = &clusters[start..end];
            let mut code_position = 0;
            let mut xs: Vec<f64> = Vec::new();
            let mut text = String::new();
            for cluster in run {
                let count = cluster.text.chars().count();
                if !cluster.mapped {
                    let _ = write!(
                        out,
                        r#"<ofd:CGTransform CodePosition="{code_position}" CodeCount="{count}" GlyphCount="{}"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>"#,
                        cluster.glyphs.len(),
                        cluster
                            .glyphs
                            .iter()
                            .map(u16::to_string)
                            .collect::<Vec<_>>()
                            .join(" ")
                    );
                }
                // Characters of one cluster share its position.
                xs.extend(std::iter::repeat_n(cluster.x - ox, count));
                text.push_str(&cluster.text);
                code_position += count;
            }
            let steps = steps(&xs);
            let _ = write!(
                out,
                r#"<ofd:TextCode X="{}" Y="{}""#,
                num(round(xs[0])),
                num(y - oy)
            );
            if !steps.is_empty() {
                let _ = write!(out, r#" DeltaX="{}""#, deltas(&steps));
            }
            let _ = write!(out, ">{}</ofd:TextCode>", escape(&text));
            start = end;
        }
        out.push_str("</ofd:TextObject>");
    }

    fn shape(&mut self, shape: &Shape, ts: Transform) {
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut ops: Vec<(char, usize)> = Vec::new();
        let mut push = |op: char, pts: &[Point], points: &mut Vec<(f64, f64)>| {
            ops.push((op, pts.len()));
            points.extend(pts.iter().map(|p| (mm(p.x), mm(p.y))));
        };
        match &shape.geometry {
            Geometry::Line(to) => {
                push('M', &[Point::zero()], &mut points);
                push('L', &[*to], &mut points);
            }
            Geometry::Rect(size) => {
                push('M', &[Point::zero()], &mut points);
                push('L', &[Point::with_x(size.x)], &mut points);
                push('L', &[size.to_point()], &mut points);
                push('L', &[Point::with_y(size.y)], &mut points);
                push('C', &[], &mut points);
            }
            Geometry::Curve(curve) => {
                for item in &curve.0 {
                    match item {
                        CurveItem::Move(p) => push('M', &[*p], &mut points),
                        CurveItem::Line(p) => push('L', &[*p], &mut points),
                        CurveItem::Cubic(a, b, c) => push('B', &[*a, *b, *c], &mut points),
                        CurveItem::Close => push('C', &[], &mut points),
                    }
                }
            }
        }
        if points.is_empty() {
            return;
        }
        let stroke = shape.stroke.as_ref();
        let style = Style {
            fill: shape.fill.as_ref().map(rgb),
            even_odd: shape.fill_rule == FillRule::EvenOdd,
            stroke: stroke.map(StrokeStyle::of),
        };
        self.path(&ops, &points, ts, &style);
    }

    /// A PathObject of the ops (letter, number of points) over points in
    /// the object's own mm.
    fn path(&mut self, ops: &[(char, usize)], points: &[(f64, f64)], ts: Transform, style: &Style) {
        let pad = style.stroke.as_ref().map_or(0.0, |s| s.width / 2.0) + 0.5;
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (x, y) in points {
            (x0, y0, x1, y1) = (x0.min(*x), y0.min(*y), x1.max(*x), y1.max(*y));
        }
        let own = [x0 - pad, y0 - pad, x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad];
        let (frame, (ox, oy)) = self.frame_attributes(ts, own);
        let mut data = String::new();
        let mut at = 0;
        for (op, n) in ops {
            if !data.is_empty() {
                data.push(' ');
            }
            data.push(*op);
            for (x, y) in &points[at..at + n] {
                let _ = write!(data, " {} {}", num(x - ox), num(y - oy));
            }
            at += n;
        }
        let id = self.res.ids.next();
        let out = &mut self.out;
        let _ = write!(
            out,
            r#"<ofd:PathObject ID="{id}" {frame} Stroke="{}" Fill="{}""#,
            style.stroke.is_some(),
            style.fill.is_some()
        );
        if style.even_odd {
            out.push_str(r#" Rule="Even-Odd""#);
        }
        if let Some(s) = &style.stroke {
            let _ = write!(
                out,
                r#" LineWidth="{}" Cap="{}" Join="{}" MiterLimit="{}""#,
                num(s.width),
                s.cap,
                s.join,
                num(s.miter_limit)
            );
            if let Some((dashes, offset)) = &s.dash {
                let _ = write!(
                    out,
                    r#" DashOffset="{}" DashPattern="{}""#,
                    num(*offset),
                    array(dashes)
                );
            }
        }
        out.push('>');
        if let Some(s) = &style.stroke {
            out.push_str(&color("StrokeColor", s.color));
        }
        if let Some(fill) = style.fill {
            out.push_str(&color("FillColor", fill));
        }
        let _ = write!(
            out,
            "<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>"
        );
    }

    fn image(&mut self, image: &Image, size: Size, ts: Transform) -> Result<(), Failed> {
        // Nothing to show, and a Boundary must have an area.
        if size.x <= Abs::zero() || size.y <= Abs::zero() {
            return Ok(());
        }
        if let Some(paths) = super::media::svg_paths(image, size) {
            for path in paths {
                self.path(&path.ops, &path.points, ts, &path.style);
            }
            return Ok(());
        }
        let media = self.res.image(image, size)?;
        let (w, h) = (mm(size.x), mm(size.y));
        let id = self.res.ids.next();
        let attributes = match placement(ts) {
            Placement::Offset(dx, dy) => format!(
                r#"Boundary="{}" CTM="{} 0 0 {} 0 0""#,
                array(&[dx, dy, w, h]),
                num(w),
                num(h)
            ),
            Placement::Matrix(m) => format!(
                r#"Boundary="0 0 {} {}" CTM="{}""#,
                num(self.page.0),
                num(self.page.1),
                matrix(&[m[0] * w, m[1] * w, m[2] * h, m[3] * h, m[4], m[5]])
            ),
        };
        let _ = write!(
            self.out,
            r#"<ofd:ImageObject ID="{id}" {attributes} ResourceID="{media}"/>"#
        );
        Ok(())
    }
}

/// To the 0.001 mm the XML keeps.
fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The `DeltaX` steps between positions, each rounded as written; a step
/// is corrected when the rounding would add up to more than 0.002 mm, so
/// that a line of equal advances stays one repeated value.
fn steps(xs: &[f64]) -> Vec<f64> {
    let Some(&first) = xs.first() else {
        return Vec::new();
    };
    let mut at = round(first);
    xs.windows(2)
        .map(|w| {
            let mut step = round(w[1] - w[0]);
            if (at + step - w[1]).abs() > 0.002 {
                step = round(w[1] - at);
            }
            at += step;
            step
        })
        .collect()
}

pub struct Style {
    pub fill: Option<[u8; 3]>,
    pub even_odd: bool,
    pub stroke: Option<StrokeStyle>,
}

pub struct StrokeStyle {
    pub color: [u8; 3],
    /// mm
    pub width: f64,
    pub cap: &'static str,
    pub join: &'static str,
    pub miter_limit: f64,
    /// Dash lengths and offset, mm.
    pub dash: Option<(Vec<f64>, f64)>,
}

impl StrokeStyle {
    fn of(stroke: &FixedStroke) -> StrokeStyle {
        StrokeStyle {
            color: rgb(&stroke.paint),
            width: mm(stroke.thickness),
            cap: match stroke.cap {
                LineCap::Butt => "Butt",
                LineCap::Round => "Round",
                LineCap::Square => "Square",
            },
            join: match stroke.join {
                LineJoin::Miter => "Miter",
                LineJoin::Round => "Round",
                LineJoin::Bevel => "Bevel",
            },
            miter_limit: stroke.miter_limit.get(),
            dash: stroke
                .dash
                .as_ref()
                .map(|d| (d.array.iter().map(|a| mm(*a)).collect(), mm(d.phase))),
        }
    }
}
