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
pub mod markers;
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
    /// What the pagination search kept, in the body's order, if the first
    /// layout broke a page rule (see [`fit`]): pages of the body tightened
    /// alone, and the closing's fit last.
    pub fits: Vec<fit::Fit>,
    /// How many layouts the search made (1 when the first kept every rule).
    pub layouts: usize,
}

/// One layout the search made, and what it breaks.
struct Trial {
    pages: PagedDocument,
    warnings: Vec<Diagnostic>,
    views: Vec<PageView>,
    turned: Vec<usize>,
    fits: Vec<fit::Fit>,
    faults: Vec<rules::Fault>,
    cost: f64,
}

impl Trial {
    fn lay_out(
        data: &mut TemplateData,
        fits: Vec<fit::Fit>,
        doc: &Document,
        fonts: &FontSet,
        template: &Template,
        sources: &mut SourceMap,
    ) -> Result<Trial, Failed> {
        data.set_fits(&fits);
        let (pages, warnings) = compile(data, fonts, template, sources)?;
        let views = pages::pages(&pages);
        let turned = turned_pages(&views);
        let faults = rules::faults(doc, &views, &turned);
        let cost = rules::cost(&faults);
        Ok(Trial {
            pages,
            warnings,
            views,
            turned,
            fits,
            faults,
            cost,
        })
    }
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
    let mut best = Trial::lay_out(&mut data, Vec::new(), doc, fonts, template, sources)?;
    let mut layouts = 1;
    // NOTICE_TRACE_FIT=1 prints the search's candidates and their costs;
    // NOTICE_FIRST_LAYOUT_ONLY=1 keeps the first layout (to measure what
    // the search costs, BENCHMARKS.md).
    let trace = std::env::var_os("NOTICE_TRACE_FIT").is_some();
    let search = std::env::var_os("NOTICE_FIRST_LAYOUT_ONLY").is_none();
    if trace {
        eprintln!("fit: first layout costs {}: {:?}", best.cost, best.faults);
    }
    // Candidates from the first layout; then, when the best still breaks
    // a rule, candidates from it, added to its fits. The base of a round is
    // what its candidates are read from: (views, fits, faults).
    let mut base = (best.views.clone(), Vec::new(), best.faults.clone());
    for budget in [fit::MAX_CANDIDATES, fit::MAX_SECOND_ROUND] {
        if best.cost == 0.0 || !search {
            break;
        }
        let (base_views, base_fits, base_faults) = &base;
        let mut queue: std::collections::VecDeque<fit::Fit> =
            fit::candidates(doc, base_views, base_faults).into();
        if trace {
            eprintln!("fit: round from {base_fits:?}: {} candidates", queue.len());
        }
        let mut improved = false;
        // A page of the body mended whose change breaks a rule further on
        // (the closing moved): the next round may mend that on top.
        let mut mended: Option<Trial> = None;
        let mut tries = 0;
        while let Some(candidate) = queue.pop_front() {
            if tries == budget {
                break;
            }
            let Some(fits) = fit::compose(base_fits, &candidate, doc.body.len()) else {
                if trace {
                    eprintln!("fit: {candidate:?} overlaps");
                }
                continue;
            };
            tries += 1;
            let trial = Trial::lay_out(&mut data, fits, doc, fonts, template, sources)?;
            layouts += 1;
            if trace {
                eprintln!(
                    "fit: {:?} costs {}: {:?}",
                    trial.fits, trial.cost, trial.faults
                );
            }
            if trial.cost > 0.0
                && candidate.until.is_none()
                && trial
                    .faults
                    .iter()
                    .any(|f| f.rule != rules::Rule::ImprintAlone)
                && let Some(closer) = fit::refine(doc, base_views, &candidate, &trial.views)
            {
                queue.push_front(closer);
            }
            if trial.cost < best.cost {
                best = trial;
                improved = true;
                if best.cost == 0.0 {
                    break;
                }
            } else if let Some(until) = candidate.until
                && mended.as_ref().is_none_or(|m| trial.cost < m.cost)
                && !trial.faults.iter().any(|f| {
                    f.rule == rules::Rule::PageEnd
                        && block_page(&trial.views, until).is_none_or(|p| f.page <= p)
                })
            {
                mended = Some(trial);
            }
        }
        base = match (improved, mended) {
            (true, _) => (best.views.clone(), best.fits.clone(), best.faults.clone()),
            (false, Some(m)) => (m.views, m.fits, m.faults),
            (false, None) => break,
        };
    }
    let Trial {
        mut pages,
        warnings,
        mut views,
        turned,
        fits,
        ..
    } = best;
    if !turned.is_empty() {
        pages = turn_upright(pages, &turned);
        views = pages::pages(&pages);
    }
    Ok((
        Laid {
            pages,
            views,
            turned,
            fits,
            layouts,
        },
        warnings,
    ))
}

/// The page (1-based) body block `block` starts on.
fn block_page(views: &[PageView], block: usize) -> Option<usize> {
    flow::marker_at(views, markers::Mark::Block(block)).map(|at| at.page + 1)
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
