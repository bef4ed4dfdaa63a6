//! Document model → pages, with Typst embedded as a library.
//!
//! [`fonts`] resolves the standard's font roles to faces, [`template`] finds
//! the Typst template, [`data`] is what the template receives, [`world`] is
//! the sandbox it is compiled in, and [`layout`] lays a document out. The
//! writers (`writers/`) turn the pages into files.

pub mod audit;
pub mod data;
pub mod fit;
pub mod fonts;
pub mod pages;
pub mod template;
pub mod world;

use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::Bytes;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;

use crate::diagnostic::{Diagnostic, Failed, SourceMap};
use crate::gbt9704::Role;
use crate::model::Document;
use data::{DATA_PATH, GEOMETRY_PATH, SEAL_BASE, TemplateData};
use fonts::FontSet;
use pages::PageView;
use template::Template;
use world::NoticeWorld;

/// The font roles a document prints with (to load only those faces).
pub fn roles_used(doc: &Document) -> Vec<Role> {
    use crate::model::{Block, Style};
    let mut roles = vec![Role::Fangsong, Role::Songti];
    let styled = |blocks: &[Block], style: Style| {
        blocks.iter().any(|b| match b {
            Block::Paragraph { runs, .. } => runs.iter().any(|r| r.style == style),
            Block::Heading(h) => h.runs.iter().any(|r| r.style == style),
            Block::Table(_) => false,
        })
    };
    let level = |blocks: &[Block], level: u8| {
        blocks.iter().any(|b| match b {
            Block::Heading(h) => h.level == level,
            Block::Paragraph { lead: Some(h), .. } => h.level == level,
            _ => false,
        })
    };
    let all: Vec<&[Block]> = std::iter::once(doc.body.as_slice())
        .chain(doc.attachments.iter().map(|a| a.body.as_slice()))
        .collect();
    if doc.title.is_some()
        || doc.mark.is_some()
        || doc.attachments.iter().any(|a| a.title.is_some())
    {
        roles.push(Role::Xiaobiaosong);
    }
    let tables = all
        .iter()
        .any(|b| b.iter().any(|b| matches!(b, Block::Table(_))));
    if doc.copy_number.is_some()
        || doc.secrecy.is_some()
        || doc.urgency.is_some()
        || !doc.attendance.is_empty()
        || doc.attachments.iter().any(|a| a.label.is_some())
        || tables
        || all.iter().any(|b| level(b, 1) || styled(b, Style::Strong))
    {
        roles.push(Role::Heiti);
    }
    if !doc.signers.is_empty()
        || all
            .iter()
            .any(|b| level(b, 2) || styled(b, Style::Emphasis))
    {
        roles.push(Role::Kaiti);
    }
    roles
}

/// A document laid out: its pages, and what notice measured on them.
pub struct Laid {
    pub pages: PagedDocument,
    /// What is on each page (after turned pages are set upright).
    pub views: Vec<PageView>,
    /// 0-based indices of the pages laid out turned (landscape).
    pub turned: Vec<usize>,
    /// How the second layout kept the closing with the body, if it had to.
    pub fit: Option<fit::Fit>,
}

/// Lays the document out with the template: a second time when the
/// closing would stand alone on a page (see [`fit`]), then turns landscape
/// pages upright. Returns the pages and the template's warnings.
pub fn layout(
    doc: &Document,
    fonts: &FontSet,
    template: &Template,
    sources: &mut SourceMap,
) -> Result<(Laid, Vec<Diagnostic>), Failed> {
    let mut data = TemplateData::new(doc, fonts, SEAL_BASE);
    let (mut pages, mut warnings) = compile(&data, fonts, template, sources)?;
    let mut views = pages::pages(&pages);
    let fit = fit::closing_fit(doc, &views);
    if let Some(fit) = &fit {
        data.fit = Some(fit.clone());
        let (second, second_warnings) = compile(&data, fonts, template, sources)?;
        pages = second;
        warnings = second_warnings;
        views = pages::pages(&pages);
    }
    let turned: Vec<usize> = views
        .iter()
        .enumerate()
        .filter(|(_, v)| v.width > v.height)
        .map(|(i, _)| i)
        .collect();
    if !turned.is_empty() {
        pages = turn_upright(pages, &turned);
        views = pages::pages(&pages);
    }
    Ok((
        Laid {
            pages,
            views,
            turned,
            fit,
        },
        warnings,
    ))
}

/// Sets landscape pages upright: a turned page's top goes to the left (the
/// binding edge on odd pages, the outer edge on even ones, where GB/T 9704
/// puts a table's head).
fn turn_upright(document: PagedDocument, turned: &[usize]) -> PagedDocument {
    use typst::layout::{Frame, FrameItem, GroupItem, Point, Size, Transform};
    use typst::model::Document as _;
    let mut pages: Vec<_> = document.pages().to_vec();
    for &i in turned {
        let page = &mut pages[i];
        let landscape = std::mem::replace(&mut page.frame, Frame::hard(Size::zero()));
        let (width, height) = (landscape.width(), landscape.height());
        // (x, y) on the turned page is (y, width - x) upright.
        let transform = Transform {
            sx: typst::layout::Ratio::zero(),
            ky: -typst::layout::Ratio::one(),
            kx: typst::layout::Ratio::one(),
            sy: typst::layout::Ratio::zero(),
            tx: typst::layout::Abs::zero(),
            ty: width,
        };
        let mut upright = Frame::hard(Size::new(height, width));
        let mut group = GroupItem::new(landscape);
        group.transform = transform;
        upright.push(Point::zero(), FrameItem::Group(group));
        page.frame = upright;
    }
    PagedDocument::new(pages.into(), document.info().clone())
}

/// One layout of the template's data.
fn compile(
    data: &TemplateData,
    fonts: &FontSet,
    template: &Template,
    sources: &mut SourceMap,
) -> Result<(PagedDocument, Vec<Diagnostic>), Failed> {
    let input = data.input(false);
    let mut virtual_files: Vec<(&str, Bytes)> = vec![
        (DATA_PATH, Bytes::new(input.data)),
        (GEOMETRY_PATH, Bytes::new(input.geometry)),
    ];
    virtual_files.extend(
        input
            .files
            .iter()
            .map(|(p, b)| (p.as_str(), Bytes::new(b.clone()))),
    );
    let world = NoticeWorld::new(fonts, template, virtual_files);
    // NOTICE_TRACE=FILE writes a Chrome trace of the layout (for profiling
    // the template).
    let trace = std::env::var_os("NOTICE_TRACE");
    if trace.is_some() {
        typst_timing::enable();
    }
    let result = typst::compile::<PagedDocument>(&world);
    if let Some(path) = trace
        && let Ok(file) = std::fs::File::create(path)
    {
        let _ = typst_timing::export_json(std::io::BufWriter::new(file), |span| {
            let span = typst::syntax::Span::from_raw(span);
            let line = world
                .range(span)
                .zip(span.id().and_then(|id| world.source(id).ok()))
                .map_or(0, |(range, source)| {
                    source.lines().byte_to_line(range.start).unwrap_or(0) as u32 + 1
                });
            (format!("{:?}", span.id()), line)
        });
    }
    let warnings = convert_all(&result.warnings, &world, template, sources);
    match result.output {
        Ok(document) => Ok((document, warnings)),
        Err(errors) => {
            let mut all = convert_all(&errors, &world, template, sources);
            all.extend(warnings);
            Err(Failed(all))
        }
    }
}

/// Typst's diagnostics as ours; one problem met on every page or paragraph
/// is reported once.
fn convert_all(
    diags: &[SourceDiagnostic],
    world: &NoticeWorld,
    template: &Template,
    sources: &mut SourceMap,
) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    diags
        .iter()
        .filter(|d| seen.insert((d.span, d.message.clone())))
        .map(|d| convert(d, world, template, sources))
        .collect()
}

/// A Typst diagnostic as one of ours, pointing into the template file.
fn convert(
    diag: &SourceDiagnostic,
    world: &NoticeWorld,
    template: &Template,
    sources: &mut SourceMap,
) -> Diagnostic {
    let mut out = match diag.severity {
        TypstSeverity::Error => Diagnostic::error(
            "template",
            format!("template {}: {}", template.name(), diag.message),
        ),
        TypstSeverity::Warning => Diagnostic::warning(
            "template",
            format!("template {}: {}", template.name(), diag.message),
        ),
    };
    if let (Some(id), Some(range)) = (diag.span.id(), world.range(diag.span))
        && let Ok(source) = world.source(id)
    {
        let path = std::path::Path::new(template.name()).join(id.vpath().get_without_slash());
        let file = sources.add(&path, source.text().to_string());
        out = out.at(file, range);
    }
    for hint in &diag.hints {
        out = out.hint(hint.v.to_string());
    }
    out
}
