//! The Markdown of a body (the plan's or an attachment's): where it comes
//! from, placeholders filled, parsed into blocks.

use toml::Spanned;

use super::markdown::{self, Body};
use super::{Composer, OffsetMap};
use crate::diagnostic::{Diagnostic, Place};
use crate::limits;
use crate::model::Block;
use crate::plan::BodyText;

/// A body's Markdown and where its bytes are.
pub(super) struct BodySource {
    text: String,
    /// The whole body (a TOML string, a file, the text after front matter).
    place: Place,
    map: Option<OffsetMap>,
}

impl BodySource {
    /// The whole body.
    pub(super) fn place(&self) -> Place {
        self.place.clone()
    }
}

impl Composer<'_> {
    /// The body of the plan or an attachment: inline `body`, `body_file`,
    /// or the Markdown after the front matter.
    pub(super) fn body_source(
        &mut self,
        body: &Option<Spanned<String>>,
        body_file: &Option<Spanned<String>>,
        front_matter: Option<&BodyText>,
    ) -> Option<BodySource> {
        let front_matter = front_matter.filter(|b| !b.text.trim().is_empty());
        let given = [body.is_some(), body_file.is_some(), front_matter.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            let at = body
                .as_ref()
                .map(|b| self.plan_place(b))
                .or_else(|| body_file.as_ref().map(|b| self.plan_place(b)));
            self.errors.push(
                Diagnostic::error("two-bodies", "the body is given more than once")
                    .at_place(at)
                    .label("a second body")
                    .hint("use one of `body`, `body_file` or the Markdown after the front matter"),
            );
            return None;
        }
        if let Some(body) = body {
            return Some(BodySource {
                text: body.get_ref().clone(),
                place: self.plan_place(body),
                map: self.string_map(body),
            });
        }
        if let Some(file) = body_file {
            let id = self.read_text(file, "body_file", limits::BODY_BYTES)?;
            let text = self.sources.text(id).to_string();
            return Some(BodySource {
                place: Place {
                    file: id,
                    span: 0..text.len(),
                },
                text,
                map: Some(OffsetMap::Shift(0)),
            });
        }
        front_matter.map(|b| BodySource {
            text: b.text.clone(),
            place: Place {
                file: b.file,
                span: b.offset..b.offset + b.text.len(),
            },
            map: Some(OffsetMap::Shift(b.offset)),
        })
    }

    /// Parses a body's Markdown, placeholders filled: their values are data
    /// and never read as Markdown.
    pub(super) fn markdown(&mut self, body: &BodySource) -> Vec<Block> {
        let Some(filled) = self.fill(&body.text, &body.place, body.map.as_ref()) else {
            return Vec::new();
        };
        self.origin(&filled, &body.place, body.map.as_ref());
        let Body { blocks, notes } = markdown::parse(filled.marked(), filled.values());
        let tables = blocks
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .count();
        if tables > limits::BODY_TABLES {
            self.errors.push(
                Diagnostic::error(
                    "limit",
                    format!(
                        "the body holds {tables} tables; a body may hold {} (each is laid out on its own, and thousands take minutes and gigabytes)",
                        limits::BODY_TABLES
                    ),
                )
                .at_place(Some(body.place.clone()))
                .label("this body")
                .hint("join rows that belong together into one table, or put a long table in a CSV attachment"),
            );
            return Vec::new();
        }
        for note in notes {
            let located = body.map.as_ref().and_then(|map| {
                let start = map.get(filled.source_of_marked(note.span.start)?)?;
                let end = map.get(filled.source_of_marked(note.span.end)?)?;
                (start <= end).then_some(start..end)
            });
            self.warnings.push(
                Diagnostic::warning(note.code, note.message)
                    .at(body.place.file, located.unwrap_or(body.place.span.clone()))
                    .hint(note.hint),
            );
        }
        blocks
    }
}
