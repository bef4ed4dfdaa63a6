//! Document model → Typst layout → PDF.

use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Smart};
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::diagnostic::{Diagnostic, Failed, SourceMap};
use crate::document::Seal;
use crate::fonts::{FontSet, Role};
use crate::model::Document;
use crate::template::Template;
use crate::world::{DATA_PATH, NoticeWorld, SEAL_PATH};

/// The seal images as files for the template: their paths (`BASE.png`, or
/// `BASE-1.png`, `BASE-2.svg`… for joint seals) and the JSON records that
/// point at them (`{file, format}`).
pub fn seal_files(seals: &[Seal], base: &str) -> (Vec<(String, Vec<u8>)>, Vec<serde_json::Value>) {
    seals
        .iter()
        .enumerate()
        .map(|(i, seal)| {
            let file = if seals.len() == 1 {
                format!("{base}.{}", seal.format)
            } else {
                format!("{base}-{}.{}", i + 1, seal.format)
            };
            let json = serde_json::json!({ "file": file, "format": seal.format });
            ((file, seal.bytes.clone()), json)
        })
        .unzip()
}

/// The data handed to the template as JSON: the model and the resolved
/// fonts. `seals` are the records from [`seal_files`]; the template finds
/// them under `seals`, and the first also under `seal` (what templates
/// written for a single seal read).
pub fn template_json(
    doc: &Document,
    fonts: &FontSet,
    seals: Vec<serde_json::Value>,
) -> serde_json::Value {
    let mut json = serde_json::to_value(doc).expect("the document model serializes");
    let mut font_map = serde_json::Map::new();
    for role in Role::ALL {
        let face = fonts.role(role);
        font_map.insert(
            role_key(role).into(),
            serde_json::json!({ "family": face.family, "weight": face.weight }),
        );
    }
    font_map.insert("fallback".into(), fonts.fallback().family.clone().into());
    // Typst cannot measure ink above the baseline, so the page number's dash
    // line is placed from the font's own outline.
    let dash = fonts.ink_middle(Role::Songti, '—').unwrap_or(0.3);
    font_map.insert("dash-middle".into(), dash.into());
    json["fonts"] = serde_json::Value::Object(font_map);
    json["seal"] = seals.first().cloned().unwrap_or(serde_json::Value::Null);
    json["seals"] = serde_json::Value::Array(seals);
    json
}

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

/// The key of a role in the template's `fonts` dictionary.
pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Xiaobiaosong => "xiaobiaosong",
        Role::Fangsong => "fangsong",
        Role::Heiti => "heiti",
        Role::Kaiti => "kaiti",
        Role::Songti => "songti",
    }
}

/// Lays the document out with the template.
pub fn layout(
    doc: &Document,
    seals: &[Seal],
    fonts: &FontSet,
    template: &Template,
    sources: &mut SourceMap,
) -> Result<(PagedDocument, Vec<Diagnostic>), Failed> {
    let (files, seal_json) = seal_files(seals, SEAL_PATH);
    let data = serde_json::to_vec(&template_json(doc, fonts, seal_json)).expect("JSON serializes");
    let mut virtual_files: Vec<(&str, Bytes)> = vec![(DATA_PATH, Bytes::new(data))];
    virtual_files.extend(
        files
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
    let warnings: Vec<Diagnostic> = result
        .warnings
        .iter()
        .map(|d| convert(d, &world, template, sources))
        .collect();
    match result.output {
        Ok(document) => Ok((document, warnings)),
        Err(errors) => {
            let mut all: Vec<Diagnostic> = errors
                .iter()
                .map(|d| convert(d, &world, template, sources))
                .collect();
            all.extend(warnings);
            Err(Failed(all))
        }
    }
}

/// Writes the laid-out document as PDF. The identifier and dates come from
/// the plan, so the same plan always gives the same bytes.
pub fn pdf(
    document: &PagedDocument,
    ident: &str,
    standards: &[PdfStandard],
) -> Result<Vec<u8>, Failed> {
    let standards = PdfStandards::new(standards).map_err(|e| {
        Failed::from(Diagnostic::error(
            "pdf-standard",
            format!("cannot combine these PDF standards: {}", e.message()),
        ))
    })?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("notice {}", env!("CARGO_PKG_VERSION")))),
        timestamp: None,
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| {
        Failed(
            errors
                .iter()
                .map(|e| {
                    let d = Diagnostic::error("pdf", format!("PDF export failed: {}", e.message));
                    if e.message.contains("document date") {
                        d.hint("add `date = 2024-01-02` (the 成文日期) to the plan: the standard records the document's date")
                    } else {
                        d
                    }
                })
                .collect(),
        )
    })
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
