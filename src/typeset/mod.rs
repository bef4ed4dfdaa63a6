//! Document model → pages, with Typst embedded as a library.
//!
//! [`fonts`] resolves the standard's font roles to faces, [`template`] finds
//! the Typst template, [`data`] is what the template receives, [`world`] is
//! the sandbox it is compiled in, and [`layout`] lays a document out. The
//! writers (`writers/`) turn the pages into files.

pub mod audit;
pub mod data;
pub mod fit;
pub mod flow;
pub mod fonts;
pub mod pages;
pub mod rules;
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
    /// The candidate the pagination search kept, if the first layout
    /// broke a page rule (see [`fit`]).
    pub fit: Option<fit::Fit>,
    /// How many layouts the search made (1 when the first kept every rule).
    pub layouts: usize,
}

/// Lays the document out with the template, searching for a better
/// pagination when the first layout breaks a page rule (see [`fit`]),
/// then turns landscape pages upright. Returns the pages and the
/// template's warnings.
pub fn layout(
    doc: &Document,
    fonts: &FontSet,
    template: &Template,
    sources: &mut SourceMap,
) -> Result<(Laid, Vec<Diagnostic>), Failed> {
    let mut data = TemplateData::new(doc, fonts, SEAL_BASE);
    let (mut pages, mut warnings) = compile(&data, fonts, template, sources)?;
    let mut views = pages::pages(&pages);
    let mut turned = turned_pages(&views);
    let first = rules::faults(doc, &views, &turned);
    let mut best_cost = rules::cost(&first);
    let mut fit = None;
    let mut layouts = 1;
    // NOTICE_TRACE_FIT=1 prints the search's candidates and their costs.
    let trace = std::env::var_os("NOTICE_TRACE_FIT").is_some();
    if trace {
        eprintln!("fit: first layout costs {best_cost}: {first:?}");
    }
    if !first.is_empty() {
        let mut queue: std::collections::VecDeque<fit::Fit> =
            fit::candidates(doc, &views, &first).into();
        let first_views = views.clone();
        let mut tries = 0;
        while let Some(candidate) = queue.pop_front() {
            if tries == fit::MAX_CANDIDATES {
                break;
            }
            tries += 1;
            data.fit = Some(candidate.clone());
            let (laid, laid_warnings) = compile(&data, fonts, template, sources)?;
            layouts += 1;
            let laid_views = pages::pages(&laid);
            let laid_turned = turned_pages(&laid_views);
            let faults = rules::faults(doc, &laid_views, &laid_turned);
            let cost = rules::cost(&faults);
            if trace {
                eprintln!("fit: {candidate:?} costs {cost}: {faults:?}");
            }
            if cost > 0.0
                && let Some(closer) = fit::refine(doc, &first_views, &candidate, &laid_views)
            {
                queue.push_front(closer);
            }
            if cost < best_cost {
                (pages, warnings, views, turned) = (laid, laid_warnings, laid_views, laid_turned);
                best_cost = cost;
                fit = Some(candidate);
            }
            if best_cost == 0.0 {
                break;
            }
        }
    }
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
            layouts,
        },
        warnings,
    ))
}

fn turned_pages(views: &[PageView]) -> Vec<usize> {
    views
        .iter()
        .enumerate()
        .filter(|(_, v)| v.width > v.height)
        .map(|(i, _)| i)
        .collect()
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
