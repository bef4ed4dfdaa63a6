//! Pictures in an OFD: PNG and JPEG as they are, other rasters as PNG, an
//! SVG of plain filled and stroked shapes (a seal) as PathObjects, and any
//! other vector picture as a PNG at [`RASTER_PPI`].

use std::io::Cursor;

use typst::foundations::Smart;
use typst::layout::{Abs, Frame, FrameItem, Point, Sides, Size};
use typst::visualize::{ExchangeFormat, Image, ImageKind, RasterFormat};
use usvg::tiny_skia_path::PathSegment;

use super::page::{StrokeStyle, Style};
use crate::diagnostic::{Diagnostic, Failed};

/// Resolution of vector pictures OFD cannot carry as paths (an SVG with
/// gradients, masks, filters or embedded pictures, or a PDF page): sharp
/// in print at 300 dots per inch.
pub const RASTER_PPI: f64 = 300.0;

/// One path of an SVG: ops (letter and number of points) over points in
/// mm from the picture's top-left corner.
pub struct SvgPath {
    pub ops: Vec<(char, usize)>,
    pub points: Vec<(f64, f64)>,
    pub style: Style,
}

/// The picture as paths, when it is an SVG of solid-colour shapes only.
pub fn svg_paths(image: &Image, size: Size) -> Option<Vec<SvgPath>> {
    let ImageKind::Svg(svg) = image.kind() else {
        return None;
    };
    let tree = svg.tree();
    let view = tree.size();
    let scale = (
        size.x.to_mm() / f64::from(view.width()),
        size.y.to_mm() / f64::from(view.height()),
    );
    let mut paths = Vec::new();
    group(tree.root(), scale, &mut paths)?;
    Some(paths)
}

fn group(g: &usvg::Group, scale: (f64, f64), out: &mut Vec<SvgPath>) -> Option<()> {
    if g.clip_path().is_some()
        || g.mask().is_some()
        || !g.filters().is_empty()
        || g.opacity().get() < 1.0
    {
        return None;
    }
    for node in g.children() {
        match node {
            usvg::Node::Group(child) => group(child, scale, out)?,
            usvg::Node::Path(path) => {
                if path.is_visible() {
                    out.push(svg_path(path, scale)?);
                }
            }
            usvg::Node::Text(text) => group(text.flattened(), scale, out)?,
            usvg::Node::Image(_) => return None,
        }
    }
    Some(())
}

fn solid(paint: &usvg::Paint, opacity: f32) -> Option<[u8; 3]> {
    match paint {
        usvg::Paint::Color(c) if opacity >= 1.0 => Some([c.red, c.green, c.blue]),
        _ => None,
    }
}

fn svg_path(path: &usvg::Path, scale: (f64, f64)) -> Option<SvgPath> {
    let ts = path.abs_transform();
    let data = path.data().clone().transform(ts)?;
    let mut ops = Vec::new();
    let mut points = Vec::new();
    let mut push = |op: char, pts: &[usvg::tiny_skia_path::Point]| {
        ops.push((op, pts.len()));
        points.extend(
            pts.iter()
                .map(|p| (f64::from(p.x) * scale.0, f64::from(p.y) * scale.1)),
        );
    };
    for segment in data.segments() {
        match segment {
            PathSegment::MoveTo(p) => push('M', &[p]),
            PathSegment::LineTo(p) => push('L', &[p]),
            PathSegment::QuadTo(a, p) => push('Q', &[a, p]),
            PathSegment::CubicTo(a, b, p) => push('B', &[a, b, p]),
            PathSegment::Close => push('C', &[]),
        }
    }
    let fill = match path.fill() {
        Some(fill) => Some(solid(fill.paint(), fill.opacity().get())?),
        None => None,
    };
    // A stroke's width grows with the transform's scale.
    let stretch = (f64::from(ts.sx * ts.sy - ts.kx * ts.ky)).abs().sqrt();
    let stroke = match path.stroke() {
        Some(s) => {
            let mm = |v: f32| f64::from(v) * stretch * (scale.0 + scale.1) / 2.0;
            Some(StrokeStyle {
                color: solid(s.paint(), s.opacity().get())?,
                width: mm(s.width().get()),
                cap: match s.linecap() {
                    usvg::LineCap::Butt => "Butt",
                    usvg::LineCap::Round => "Round",
                    usvg::LineCap::Square => "Square",
                },
                join: match s.linejoin() {
                    usvg::LineJoin::Round => "Round",
                    usvg::LineJoin::Bevel => "Bevel",
                    _ => "Miter",
                },
                miter_limit: f64::from(s.miterlimit().get()),
                dash: s
                    .dasharray()
                    .map(|d| (d.iter().map(|v| mm(*v)).collect(), mm(s.dashoffset()))),
            })
        }
        None => None,
    };
    Some(SvgPath {
        ops,
        points,
        style: Style {
            fill,
            even_odd: path
                .fill()
                .is_some_and(|f| f.rule() == usvg::FillRule::EvenOdd),
            stroke,
        },
    })
}

/// The picture's file and its `Format`.
pub fn encode(image: &Image, size: Size) -> Result<(Vec<u8>, &'static str), Failed> {
    let fail = |e: String| {
        Failed::from(Diagnostic::error(
            "ofd-image",
            format!("a picture cannot be written into the OFD: {e}"),
        ))
    };
    match image.kind() {
        ImageKind::Raster(raster) => match raster.format() {
            RasterFormat::Exchange(ExchangeFormat::Png) => Ok((raster.data().to_vec(), "PNG")),
            RasterFormat::Exchange(ExchangeFormat::Jpg) => Ok((raster.data().to_vec(), "JPEG")),
            _ => {
                let mut png = Vec::new();
                raster
                    .dynamic()
                    .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
                    .map_err(|e| fail(e.to_string()))?;
                Ok((png, "PNG"))
            }
        },
        ImageKind::Svg(_) | ImageKind::Pdf(_) => {
            let mut frame = Frame::soft(size);
            frame.push(
                Point::zero(),
                FrameItem::Image(image.clone(), size, typst::syntax::Span::detached()),
            );
            let page = typst_layout::Page {
                frame,
                bleed: Sides::splat(Abs::zero()),
                fill: Smart::Custom(None),
                numbering: None,
                supplement: typst::foundations::Content::empty(),
                number: 1,
            };
            let options = typst_render::RenderOptions {
                pixel_per_pt: typst::utils::Scalar::new(RASTER_PPI / 72.0),
                render_bleed: false,
            };
            let png = typst_render::render(&page, &options)
                .encode_png()
                .map_err(|e| fail(e.to_string()))?;
            Ok((png, "PNG"))
        }
    }
}
