//! Embedded fonts of an OFD: a TrueType (`glyf`) subset of each face the
//! pages use.
//!
//! OFD readers draw TrueType outlines only, and the bundled faces are CFF.
//! Each used glyph is drawn by skrifa (which reads CFF, CFF2 and glyf
//! alike), its cubic curves are turned into quadratic splines by kurbo
//! within [`TOLERANCE`] font units, and write-fonts builds the tables. The
//! fontations crates are the ones typst's own PDF writer already links,
//! so they add no new code to the build and are kept by Google Fonts.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use kurbo::{BezPath, CubicBez, PathEl, Point};
use read_fonts::{FontRef, TableProvider};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlineGlyphFormat, OutlinePen};
use skrifa::{GlyphId, MetadataProvider};
use typst::text::Font;
use write_fonts::FontBuilder;
use write_fonts::from_obj::ToOwnedTable;
use write_fonts::tables::cmap::Cmap;
use write_fonts::tables::glyf::{Bbox, GlyfLocaBuilder, Glyph, SimpleGlyph};
use write_fonts::tables::hmtx::{Hmtx, LongMetric};
use write_fonts::tables::maxp::Maxp;
use write_fonts::types::Tag;

/// Largest distance, in font units, between a cubic curve of the source
/// and the quadratic spline that replaces it (the coordinates are then
/// rounded to whole units, as TrueType stores them). At 1000 units per em
/// and 16 pt this is 0.003 mm.
pub const TOLERANCE: f64 = 0.5;

/// The glyphs a document uses from one face.
pub struct Subset {
    pub font: Font,
    /// Original glyph ids, in order of first use; the new id of
    /// `glyphs[i]` is `i + 1` (0 is `.notdef`).
    glyphs: Vec<u16>,
    new_ids: HashMap<u16, u16>,
    /// The character each new glyph stands for in `cmap`, when it has one.
    cmap: HashMap<char, u16>,
    /// Characters per glyph, to name them when the glyph cannot be embedded.
    chars: HashMap<u16, String>,
}

/// A face that cannot be embedded, and why.
pub struct FontError {
    pub font: String,
    pub chars: String,
    pub reason: String,
}

impl Subset {
    pub fn new(font: Font) -> Subset {
        Subset {
            font,
            glyphs: Vec::new(),
            new_ids: HashMap::new(),
            cmap: HashMap::new(),
            chars: HashMap::new(),
        }
    }

    /// Adds a glyph shown for `text`; returns its id in the subset and
    /// whether a reader finds it from `text` through `cmap` alone.
    pub fn add(&mut self, glyph: u16, text: &str) -> (u16, bool) {
        let next = self.glyphs.len() as u16 + 1;
        let id = *self.new_ids.entry(glyph).or_insert_with(|| {
            self.glyphs.push(glyph);
            next
        });
        let entry = self.chars.entry(glyph).or_default();
        if entry.chars().count() < 8 && !entry.contains(text) {
            entry.push_str(text);
        }
        let mut chars = text.chars();
        let one_to_one = match (chars.next(), chars.next()) {
            (Some(c), None) => *self.cmap.entry(c).or_insert(id) == id,
            _ => false,
        };
        (id, one_to_one)
    }

    pub fn is_empty(&self) -> bool {
        self.glyphs.is_empty()
    }

    pub fn postscript_name(&self) -> String {
        self.font
            .post_script_name()
            .unwrap_or_else(|| self.font.info().family.clone())
    }

    /// The subset as a TrueType font file.
    pub fn build(&self) -> Result<Vec<u8>, FontError> {
        let fail = |reason: String, glyphs: &[u16]| FontError {
            font: self.postscript_name(),
            chars: glyphs
                .iter()
                .filter_map(|g| self.chars.get(g))
                .flat_map(|s| s.chars())
                .collect(),
            reason,
        };
        let all: Vec<u16> = self.glyphs.clone();
        let data = self.font.data().as_slice();
        let font = FontRef::from_index(data, self.font.index())
            .map_err(|e| fail(format!("it cannot be read ({e})"), &all))?;
        embedding_allowed(&font).map_err(|reason| fail(reason, &all))?;

        let outlines = font.outline_glyphs();
        // PostScript outlines turn the other way from TrueType's.
        let postscript = !matches!(outlines.format(), Some(OutlineGlyphFormat::Glyf));
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let upem = font.head().map(|h| h.units_per_em()).unwrap_or(1000);
        let accuracy = TOLERANCE * f64::from(upem) / 1000.0;

        let mut glyf = GlyfLocaBuilder::new();
        let mut h_metrics = Vec::with_capacity(all.len() + 1);
        let (mut max_points, mut max_contours) = (0u16, 0u16);
        let mut bounds: Option<Bbox> = None;
        let converted = convert_all(&self.font, &all, |original| {
            let gid = GlyphId::new(u32::from(original));
            let outline = outlines
                .get(gid)
                .ok_or_else(|| fail("the face has no outline for them".into(), &[original]))?;
            let mut pen = Recorder::default();
            outline
                .draw(
                    DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
                    &mut pen,
                )
                .map_err(|e| fail(format!("their outlines cannot be read ({e})"), &[original]))?;
            match quadratic(&pen.path, accuracy, postscript) {
                None => Ok(Glyph::Empty),
                Some(path) => SimpleGlyph::from_bezpath(&path)
                    .map(Glyph::Simple)
                    .map_err(|e| {
                        fail(
                            format!("their outlines cannot be converted ({e:?})"),
                            &[original],
                        )
                    }),
            }
        })?;
        for (original, glyph) in std::iter::once(0u16)
            .chain(all.iter().copied())
            .zip(&converted)
        {
            let gid = GlyphId::new(u32::from(original));
            let glyph: &Glyph = glyph;
            if let Glyph::Simple(simple) = glyph {
                let points: usize = simple.contours.iter().map(|c| c.len()).sum();
                max_points = max_points.max(points as u16);
                max_contours = max_contours.max(simple.contours.len() as u16);
                bounds = Some(match bounds {
                    None => simple.bbox,
                    Some(b) => b.union(simple.bbox),
                });
            }
            let side_bearing = match glyph {
                Glyph::Simple(s) => s.bbox.x_min,
                _ => 0,
            };
            let advance = metrics.advance_width(gid).unwrap_or(0.0).round() as u16;
            h_metrics.push(LongMetric::new(advance, side_bearing));
            glyf.add_glyph(glyph)
                .map_err(|e| fail(format!("a glyph is invalid ({e:?})"), &[original]))?;
        }
        let num_glyphs = h_metrics.len() as u16;
        let (glyf, loca, loca_format) = glyf.build();
        let bounds = bounds.unwrap_or_default();

        let unreadable = |table: &str| fail(format!("its `{table}` table cannot be read"), &all);
        let mut head: write_fonts::tables::head::Head = font
            .head()
            .map_err(|_| unreadable("head"))?
            .to_owned_table();
        head.index_to_loc_format = loca_format as i16;
        head.x_min = bounds.x_min;
        head.y_min = bounds.y_min;
        head.x_max = bounds.x_max;
        head.y_max = bounds.y_max;
        let mut hhea: write_fonts::tables::hhea::Hhea = font
            .hhea()
            .map_err(|_| unreadable("hhea"))?
            .to_owned_table();
        hhea.number_of_h_metrics = num_glyphs;
        hhea.advance_width_max = h_metrics
            .iter()
            .map(|m| m.advance)
            .max()
            .unwrap_or(0)
            .into();
        hhea.min_left_side_bearing = h_metrics
            .iter()
            .map(|m| m.side_bearing)
            .min()
            .unwrap_or(0)
            .into();
        let maxp = Maxp {
            num_glyphs,
            max_points: Some(max_points),
            max_contours: Some(max_contours),
            max_composite_points: Some(0),
            max_composite_contours: Some(0),
            max_zones: Some(2),
            max_twilight_points: Some(0),
            max_storage: Some(0),
            max_function_defs: Some(0),
            max_instruction_defs: Some(0),
            max_stack_elements: Some(0),
            max_size_of_instructions: Some(0),
            max_component_elements: Some(0),
            max_component_depth: Some(0),
        };
        let mut mappings: Vec<(char, GlyphId)> = self
            .cmap
            .iter()
            .map(|(c, id)| (*c, GlyphId::new(u32::from(*id))))
            .collect();
        mappings.sort();
        let cmap = Cmap::from_mappings(mappings)
            .map_err(|e| fail(format!("its character map conflicts ({e})"), &all))?;
        let hmtx = Hmtx::new(h_metrics, Vec::new());

        let mut builder = FontBuilder::new();
        let built = (|| -> Result<(), write_fonts::BuilderError> {
            builder
                .add_table(&head)?
                .add_table(&hhea)?
                .add_table(&maxp)?
                .add_table(&hmtx)?
                .add_table(&cmap)?
                .add_table(&loca)?
                .add_table(&glyf)?;
            Ok(())
        })();
        built.map_err(|e| fail(format!("the subset cannot be written ({e})"), &all))?;
        for tag in [b"OS/2", b"name"] {
            if let Some(data) = font.data_for_tag(Tag::new(tag)) {
                builder.add_raw(Tag::new(tag), data.as_bytes().to_vec());
            }
        }
        builder.add_raw(Tag::new(b"post"), post_v3(&font));
        Ok(builder.build())
    }
}

/// Converted glyphs by face, kept for the process: a batch of notices
/// set in the same faces converts each glyph once. Bounded by the glyphs
/// of the faces in use.
type Converted = HashMap<u16, Arc<Glyph>>;
static CONVERTED: LazyLock<Mutex<HashMap<Font, Converted>>> = LazyLock::new(Default::default);

/// `.notdef` and the glyphs of `all`, converted by `convert` unless an
/// earlier document of the process did so.
fn convert_all(
    font: &Font,
    all: &[u16],
    mut convert: impl FnMut(u16) -> Result<Glyph, FontError>,
) -> Result<Vec<Arc<Glyph>>, FontError> {
    let wanted: Vec<u16> = std::iter::once(0).chain(all.iter().copied()).collect();
    let mut known: Vec<Option<Arc<Glyph>>> = {
        let cache = CONVERTED.lock().unwrap_or_else(|e| e.into_inner());
        let face = cache.get(font);
        wanted
            .iter()
            .map(|g| face.and_then(|f| f.get(g)).cloned())
            .collect()
    };
    let mut new = Vec::new();
    for (glyph, slot) in wanted.iter().zip(&mut known) {
        if slot.is_none() {
            let converted = Arc::new(convert(*glyph)?);
            new.push((*glyph, converted.clone()));
            *slot = Some(converted);
        }
    }
    if !new.is_empty() {
        let mut cache = CONVERTED.lock().unwrap_or_else(|e| e.into_inner());
        cache.entry(font.clone()).or_default().extend(new);
    }
    Ok(known.into_iter().flatten().collect())
}

/// An error unless the face's licence lets it be embedded in a document
/// (OS/2 `fsType`): "restricted" and "bitmap only" forbid it.
fn embedding_allowed(font: &FontRef) -> Result<(), String> {
    let Ok(os2) = font.os2() else {
        return Ok(());
    };
    let fs_type = os2.fs_type();
    if fs_type & 0x000F == 0x0002 {
        return Err(
            "its licence forbids embedding it (OS/2 fsType: restricted licence embedding)".into(),
        );
    }
    if fs_type & 0x0200 != 0 {
        return Err("its licence allows embedding bitmaps only (OS/2 fsType)".into());
    }
    Ok(())
}

/// A `post` table of version 3 (no glyph names) with the source's metrics.
fn post_v3(font: &FontRef) -> Vec<u8> {
    let mut table = vec![0u8; 32];
    table[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    if let Some(source) = font.data_for_tag(Tag::new(b"post")) {
        let source = source.as_bytes();
        if source.len() >= 16 {
            // italicAngle, underlinePosition, underlineThickness, isFixedPitch
            table[4..16].copy_from_slice(&source[4..16]);
        }
    }
    table
}

/// The outline as skrifa draws it, in font units.
#[derive(Default)]
struct Recorder {
    path: BezPath,
}

impl OutlinePen for Recorder {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.move_to((f64::from(x), f64::from(y)));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.path.line_to((f64::from(x), f64::from(y)));
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.path.quad_to(
            (f64::from(cx0), f64::from(cy0)),
            (f64::from(x), f64::from(y)),
        );
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.path.curve_to(
            (f64::from(cx0), f64::from(cy0)),
            (f64::from(cx1), f64::from(cy1)),
            (f64::from(x), f64::from(y)),
        );
    }
    fn close(&mut self) {
        self.path.close_path();
    }
}

/// The path with every cubic replaced by quadratics within `accuracy`,
/// the contours of a PostScript (CFF) outline turned clockwise as
/// TrueType draws them; `None` when the glyph has no contour (a space).
/// A TrueType source's quadratics pass through unchanged.
pub fn quadratic(path: &BezPath, accuracy: f64, postscript: bool) -> Option<BezPath> {
    let mut out = BezPath::new();
    let mut last = Point::ZERO;
    let mut start = Point::ZERO;
    for el in path.elements() {
        match *el {
            PathEl::MoveTo(p) => {
                out.move_to(p);
                (last, start) = (p, p);
            }
            PathEl::LineTo(p) => {
                out.line_to(p);
                last = p;
            }
            PathEl::QuadTo(c, p) => {
                out.quad_to(c, p);
                last = p;
            }
            PathEl::CurveTo(c1, c2, p) => {
                let cubic = CubicBez::new(last, c1, c2, p);
                match cubic.approx_spline(accuracy) {
                    Some(spline) => {
                        for quad in spline.to_quads() {
                            out.quad_to(quad.p1, quad.p2);
                        }
                    }
                    None => {
                        for (_, _, quad) in cubic.to_quads(accuracy) {
                            out.quad_to(quad.p1, quad.p2);
                        }
                    }
                }
                last = p;
            }
            PathEl::ClosePath => {
                out.close_path();
                last = start;
            }
        }
    }
    let has_contour = out
        .elements()
        .iter()
        .any(|el| !matches!(el, PathEl::MoveTo(_) | PathEl::ClosePath));
    has_contour.then(|| {
        if postscript {
            out.reverse_subpaths()
        } else {
            out
        }
    })
}
