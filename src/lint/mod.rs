//! Checks a plan against GB/T 9704 and common 公文 practice.
//!
//! Every finding is a warning with its place and a suggested fix. `notice
//! check` reports them and fails when there are any; `notice build` prints
//! them and still writes the outputs (unless `--strict`). One file per
//! check; the layout's own audit is in `typeset::audit`.

mod attachments;
mod dates;
pub mod fix;
mod glyphs;
mod number;
mod punctuation;
mod vocabulary;

use toml::Spanned;

use crate::compose::Composed;
use crate::diagnostic::{Diagnostic, Place};
use crate::model::Document;
use crate::plan::{Date, LoadedPlan};
use crate::typeset::fonts::FontSet;

/// Everything the checks look at.
pub struct Subject<'a> {
    pub loaded: &'a LoadedPlan,
    pub composed: &'a Composed,
    pub fonts: &'a FontSet,
    /// Today's date, for dates implausibly far in the future.
    pub today: Date,
}

/// Runs every check.
pub fn lint(s: &Subject) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    number::document_number(s, &mut out);
    number::title_punctuation(s, &mut out);
    punctuation::ascii_punctuation(s, &mut out);
    attachments::attachment_labels(s, &mut out);
    vocabulary::secrecy_and_urgency(s, &mut out);
    dates::dates(s, &mut out);
    glyphs::missing_glyphs(s, &mut out);
    glyphs::other_faces(s, &mut out);
    out
}

fn place<T>(s: &Subject, value: &Spanned<T>) -> Place {
    Place {
        file: s.loaded.file,
        span: s.loaded.span(value),
    }
}

fn doc<'a>(s: &Subject<'a>) -> &'a Document {
    &s.composed.document
}
