//! Plan → document model: every element's final words, the body parsed
//! from Markdown and numbered, attachments from Markdown or CSV, and the
//! seal images.
//!
//! Each concern has its file: [`placeholders`] fills `{{ name }}`, [`paths`]
//! keeps file references inside the plan's folder and reads them, [`body`]
//! turns Markdown into blocks, [`csv`] reads tables, [`attachments`]
//! numbers and builds 附件, [`images`] reads seals, [`elements`] holds the
//! wording rules of the header, closing and 版记, and [`hygiene`] drops
//! characters that must not print. Problems are collected, not returned
//! early, so one build reports all of them.

pub mod attachments;
mod body;
pub mod csv;
mod elements;
pub mod hygiene;
pub mod images;
pub mod markdown;
pub mod numbering;
pub mod origin;
mod paths;
pub mod placeholders;
pub mod tables;
pub mod title;

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml::Spanned;

use crate::diagnostic::{Diagnostic, Failed, Place, SourceMap};
use crate::model::{Block, Document, DocumentFormat, Metadata};
use crate::plan::{self, Date, LoadedPlan, OneOrMany};

pub use origin::{OffsetMap, TextOrigin};
use placeholders::{FillError, Filled, Placeholders};

/// Settings of one document that come from outside the plan.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--var name=value` and mail-merge cells, over the plan's `vars`.
    pub vars: BTreeMap<String, String>,
    /// `--root DIR`: the folder plan paths may not leave (default: the
    /// plan's own folder).
    pub root: Option<PathBuf>,
}

/// A file the document was made from, and a hash of the bytes used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Input {
    pub path: PathBuf,
    pub hash: u128,
}

/// A document model, with what was found on the way.
pub struct Composed {
    pub document: Document,
    pub warnings: Vec<Diagnostic>,
    /// Every file read (plan, bodies, CSVs, seals).
    pub inputs: Vec<Input>,
    /// Where each piece of text came from, for pointing at characters.
    pub origins: Vec<TextOrigin>,
}

/// Builds the document model of a loaded plan. Every file the plan names,
/// found or not, is added to `referenced` (what `watch` follows).
pub fn compose(
    loaded: &LoadedPlan,
    settings: &Settings,
    sources: &mut SourceMap,
    referenced: &mut Vec<PathBuf>,
) -> Result<Composed, Failed> {
    refuse_empty(loaded)?;
    let mut c = Composer::new(loaded, settings, sources)?;
    let document = c.document();
    referenced.append(&mut c.referenced);
    if c.errors.is_empty() {
        Ok(Composed {
            document,
            warnings: c.warnings,
            inputs: c.inputs,
            origins: c.origins,
        })
    } else {
        let mut all = c.errors;
        all.extend(c.warnings);
        Err(Failed(all))
    }
}

/// A plan with no title, no body and no attachment would print a blank
/// page: that is a mistake (an empty or truncated file), not a document.
fn refuse_empty(loaded: &LoadedPlan) -> Result<(), Failed> {
    let plan = &loaded.plan;
    let body = plan.body.is_some()
        || plan.body_file.is_some()
        || loaded
            .front_matter_body
            .as_ref()
            .is_some_and(|b| !b.text.trim().is_empty());
    if plan.title.is_some() || body || !plan.attachments.is_empty() {
        return Ok(());
    }
    Err(Failed::from(
        Diagnostic::error("empty-plan", "the plan is empty: it has no title, no body and no attachment")
            .at(loaded.file, loaded.toml_offset..loaded.toml_offset)
            .label("nothing to build")
            .hint("a plan needs at least a `title` and a `body` (or `body_file`); `notice new plan.toml` writes a starting plan"),
    ))
}

/// The line a table is planned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// The body's, which is always upright.
    Body,
    /// An upright attachment's.
    Upright,
    /// A turned (`landscape`) attachment's.
    Turned,
}

/// The state of one composition: the plan, what was read, what was found.
struct Composer<'a> {
    loaded: &'a LoadedPlan,
    sources: &'a mut SourceMap,
    placeholders: Placeholders,
    /// The folder plan paths may not leave, and the plan's own (both
    /// canonical).
    root: PathBuf,
    plan_dir: PathBuf,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    inputs: Vec<Input>,
    origins: Vec<TextOrigin>,
    /// Every file the plan names, found or not.
    referenced: Vec<PathBuf>,
}

impl<'a> Composer<'a> {
    fn new(
        loaded: &'a LoadedPlan,
        settings: &Settings,
        sources: &'a mut SourceMap,
    ) -> Result<Self, Failed> {
        let (root, plan_dir) = paths::roots(loaded, settings.root.as_deref())?;
        let mut problems = Vec::new();
        let plan_vars = loaded.plan.vars.as_ref().map(|v| v.get_ref());
        for (name, value) in plan_vars.into_iter().flatten() {
            if let Some(problem) = hygiene::oversized_value(value.get_ref()) {
                problems.push(
                    Diagnostic::error("limit", format!("the value of `{name}` {problem}"))
                        .at(loaded.file, loaded.span(value))
                        .label("too long")
                        .hint("placeholder values are names, dates and short phrases; put long text in the body"),
                );
            }
        }
        for (name, value) in &settings.vars {
            if value.len() > crate::limits::FIELD_BYTES {
                problems.push(
                    Diagnostic::error(
                        "limit",
                        format!(
                            "the value of `{name}` is {}, more than the limit of {} for one value",
                            crate::limits::human_bytes(value.len() as u64),
                            crate::limits::human_bytes(crate::limits::FIELD_BYTES as u64)
                        ),
                    )
                    .hint("placeholder values are names, dates and short phrases; put long text in the body"),
                );
            }
        }
        if !problems.is_empty() {
            return Err(Failed(problems));
        }
        let placeholders = Placeholders::new(
            plan_vars
                .into_iter()
                .flatten()
                .map(|(name, value)| (name.clone(), placeholders::toml_to_value(value.get_ref()))),
            &settings.vars,
        );
        let plan_bytes = sources.text(loaded.file).as_bytes();
        Ok(Composer {
            inputs: vec![Input {
                path: loaded.path.clone(),
                hash: typst::utils::hash128(plan_bytes),
            }],
            loaded,
            sources,
            placeholders,
            root,
            plan_dir,
            errors: Vec::new(),
            warnings: Vec::new(),
            origins: Vec::new(),
            referenced: Vec::new(),
        })
    }

    fn plan_place<T>(&self, value: &Spanned<T>) -> Place {
        Place {
            file: self.loaded.file,
            span: self.loaded.span(value),
        }
    }

    /// Where each byte of a plan string's value sits in the plan file.
    fn string_map(&self, value: &Spanned<String>) -> Option<OffsetMap> {
        let span = self.loaded.span(value);
        let raw = self.sources.text(self.loaded.file).get(span.clone())?;
        let (decoded, map) = origin::decode_toml_string(raw)?;
        (decoded == *value.get_ref())
            .then(|| OffsetMap::Table(map.into_iter().map(|i| span.start + i).collect()))
    }

    /// Where `text` stands verbatim, exactly once, inside `place` (an item
    /// of a TOML array).
    fn verbatim(&self, place: &Place, text: &str) -> Option<OffsetMap> {
        let source = self.sources.text(place.file).get(place.span.clone())?;
        let at = source.find(text)?;
        (!text.is_empty() && !source[at + text.len()..].contains(text))
            .then_some(OffsetMap::Shift(place.span.start + at))
    }

    /// Fills the placeholders of `text`, whose bytes sit in the file as
    /// `map` says; a problem is reported at its place.
    fn fill(&mut self, text: &str, place: &Place, map: Option<&OffsetMap>) -> Option<Filled> {
        match self.placeholders.fill(text) {
            Ok(filled) => Some(filled),
            Err(FillError {
                span,
                message,
                label,
                hint,
            }) => {
                let located = map.and_then(|m| Some(m.get(span.start)?..m.get(span.end)?));
                let span = located
                    .filter(|s| s.start <= s.end)
                    .unwrap_or(place.span.clone());
                self.errors.push(
                    Diagnostic::error("placeholder", message)
                        .at(place.file, span)
                        .label(label)
                        .hint(hint),
                );
                None
            }
        }
    }

    /// Records the filled text of a value as document text with its places.
    fn origin(&mut self, filled: &Filled, place: &Place, map: Option<&OffsetMap>) -> String {
        let text = filled.text();
        let map = map.and_then(|m| filled.text_map().map(|inner| m.compose(&inner)));
        self.origins.push(TextOrigin {
            text: text.clone(),
            place: place.clone(),
            map,
        });
        text
    }

    /// A plan string with placeholders filled.
    fn text(&mut self, value: &Option<Spanned<String>>) -> Option<String> {
        let value = value.as_ref()?;
        let place = self.plan_place(value);
        let map = self.string_map(value);
        let filled = self.fill(value.get_ref(), &place, map.as_ref())?;
        Some(
            self.origin(&filled, &place, map.as_ref())
                .trim()
                .to_string(),
        )
    }

    /// A plan string, or `None` when it is missing or empty.
    fn nonempty(&mut self, value: &Option<Spanned<String>>) -> Option<String> {
        self.text(value).filter(|t| !t.is_empty())
    }

    /// A plan string-or-array with placeholders filled, empty items dropped.
    fn texts(&mut self, value: &Option<Spanned<OneOrMany>>) -> Vec<String> {
        let Some(value) = value else {
            return Vec::new();
        };
        let place = self.plan_place(value);
        let mut out = Vec::new();
        for item in &value.get_ref().0 {
            let map = self.verbatim(&place, item);
            if let Some(filled) = self.fill(item, &place, map.as_ref()) {
                let text = self.origin(&filled, &place, map.as_ref());
                let text = text.trim().to_string();
                if !text.is_empty() {
                    out.push(text);
                }
            }
        }
        out
    }

    fn date(&mut self, value: &Option<Spanned<toml::Value>>, key: &str) -> Option<Date> {
        let value = value.as_ref()?;
        match plan::parse_date(value.get_ref()) {
            Ok(date) => Some(date),
            Err(message) => {
                self.errors.push(
                    Diagnostic::error("date", format!("invalid `{key}`: {message}"))
                        .at_place(Some(self.plan_place(value)))
                        .label("not a valid date")
                        .hint(format!(
                            "write a TOML date without quotes, e.g. {key} = 2020-03-27"
                        )),
                );
                None
            }
        }
    }

    /// Plans every table of `blocks` for its line (`turn`: the body's, or
    /// an attachment's, upright or turned); a table that cannot fit even
    /// at the smallest size is an error at `place`, one that an upright
    /// page wraps row after row a warning that asks for a turned page.
    fn plan_tables(&mut self, blocks: &mut [Block], turn: Turn, place: Place, what: &str) {
        let landscape = turn == Turn::Turned;
        let width = tables::line_width(landscape);
        for block in blocks {
            let Block::Table(table) = block else { continue };
            match tables::plan(table, width) {
                Ok(layout) => {
                    table.layout = layout;
                    tables::keep_whole(table);
                    if !landscape
                        && let Some((upright, turned)) = tables::reads_better_turned(table)
                    {
                        let hint = if turn == Turn::Body {
                            "move the table into an attachment with `landscape = true` (a turned page is 225mm wide)"
                        } else {
                            "set `landscape = true` on its attachment (a turned page is 225mm wide)"
                        };
                        self.warnings.push(
                            Diagnostic::warning(
                                "table-readability",
                                format!(
                                    "{what} wraps its rows on an upright page: {} columns take about {upright:.0} lines here and {turned:.0} on a turned page",
                                    table.header.len()
                                ),
                            )
                            .at_place(Some(place.clone()))
                            .label("rows wrap")
                            .hint(hint),
                        );
                    }
                }
                Err(too_wide) => {
                    let hint = if landscape {
                        "split the table into two, or shorten its widest cells".to_string()
                    } else {
                        "set `landscape = true` on its attachment (a turned page is 225mm wide), or split the table".to_string()
                    };
                    self.errors.push(
                        Diagnostic::error(
                            "table-width",
                            format!(
                                "{what} is too wide: its {} columns need at least {:.0}mm at {} ({}pt), and the line is {:.0}mm",
                                too_wide.columns,
                                too_wide.needs_mm,
                                tables::size_name(tables::SIZES[tables::SIZES.len() - 1]),
                                tables::SIZES[tables::SIZES.len() - 1],
                                too_wide.width_mm
                            ),
                        )
                        .at_place(Some(place.clone()))
                        .label("too wide")
                        .hint(hint),
                    );
                }
            }
        }
    }

    fn format(&mut self) -> DocumentFormat {
        let Some(name) = &self.loaded.plan.format else {
            return DocumentFormat::File;
        };
        if let Some(format) = DocumentFormat::parse(name.get_ref().trim()) {
            return format;
        }
        let suggestion = crate::diagnostic::closest(name.get_ref(), DocumentFormat::names());
        let mut d = Diagnostic::error("format", format!("unknown format `{}`", name.get_ref()))
            .at_place(Some(self.plan_place(name)))
            .label("not a format");
        if let Some(s) = suggestion {
            d = d.hint(format!("did you mean `{s}`?"));
        }
        let formats: Vec<String> = DocumentFormat::ALL
            .iter()
            .map(|f| format!("{} ({})", f.name(), f.chinese()))
            .collect();
        self.errors
            .push(d.hint(format!("formats: {}", formats.join(", "))));
        DocumentFormat::File
    }

    /// The whole document, element by element in the standard's order.
    fn document(&mut self) -> Document {
        let plan = &self.loaded.plan;
        let format = self.format();
        let issuers = self.texts(&plan.issuer);
        let mut unbreakable = issuers.clone();
        unbreakable.extend(self.texts(&plan.title_words));
        let header = self.header(format, &issuers);
        let title_text = self.nonempty(&plan.title);
        let to = self.addressees();
        let body = match self.body_source(
            &plan.body,
            &plan.body_file,
            self.loaded.front_matter_body.as_ref(),
        ) {
            Some(source) => {
                let mut blocks = self.markdown(&source);
                self.plan_tables(
                    &mut blocks,
                    Turn::Body,
                    source.place(),
                    "a table of the body",
                );
                blocks
            }
            None => Vec::new(),
        };
        let (attachments, attachment_notes) = self.attachments(&unbreakable);
        let closing = self.closing(format, &issuers);
        let imprint = self.imprint(format, closing.date);
        let attendance = self.attendance();

        let title = title_text.map(|t| title::title(&t, &unbreakable));
        let metadata = Metadata {
            title: title.as_ref().map(|t| t.text.clone()).unwrap_or_default(),
            author: issuers.first().cloned().unwrap_or_default(),
            date: closing
                .date
                .map(|d| [u32::from(d.year), u32::from(d.month), u32::from(d.day)]),
        };
        let mut document = Document {
            format,
            copy_number: header.copy_number,
            secrecy: header.secrecy,
            urgency: header.urgency,
            mark: header.mark,
            number: header.number,
            signers: header.signers,
            title,
            to,
            body,
            attachment_notes,
            attendance,
            signature: closing.signature,
            date: closing.date.map(Date::chinese),
            sealed: !closing.seals.is_empty(),
            seals: closing.seals,
            note: closing.note,
            attachments,
            imprint,
            duplex: plan.duplex.as_ref().is_some_and(|d| *d.get_ref()),
            metadata,
        };
        self.clean(&mut document);
        document
    }
}
