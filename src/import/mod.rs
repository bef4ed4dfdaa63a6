//! `notice import`: a draft (text, Markdown or Word) into a plan. The
//! reader turns the file into lines ([`draft`], [`docx`]), [`web`] drops a
//! web page's own lines, [`repair`] fixes what drafts carry, [`structure`]
//! recognises the elements, [`emit`] writes the plan. Every repair and every uncertain decision is a note with its
//! line, for the clerk to review.

mod docx;
pub mod draft;
pub mod emit;
pub mod repair;
pub mod structure;
mod unplaced;
mod web;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Failed, SourceMap};
use crate::limits;
use draft::Kind;
pub use structure::Doc;

/// Notes on what an import changed or guessed, each kind with its lines.
#[derive(Debug)]
pub struct Notes {
    /// `line` or `paragraph`.
    unit: &'static str,
    items: Vec<(String, Vec<usize>)>,
    /// Where each kind is in `items`: a long draft adds notes by the
    /// hundred thousand.
    index: std::collections::HashMap<String, usize>,
}

/// Lines listed in one note, and notes printed for one draft; the rest are
/// counted.
const LINES_PER_NOTE: usize = 20;
const NOTES_PER_DRAFT: usize = 50;

impl Notes {
    pub fn new(unit: &'static str) -> Notes {
        Notes {
            unit,
            items: Vec::new(),
            index: std::collections::HashMap::new(),
        }
    }

    pub fn add(&mut self, at: usize, what: impl Into<String>) {
        let what = what.into();
        match self.index.get(&what) {
            Some(&i) => {
                let lines = &mut self.items[i].1;
                if lines.last() != Some(&at) {
                    lines.push(at);
                }
            }
            None => {
                self.index.insert(what.clone(), self.items.len());
                self.items.push((what, vec![at]));
            }
        }
    }

    /// The notes as diagnostics: `draft.txt: lines 3, 5: …`.
    pub fn into_diagnostics(self, path: &Path) -> Vec<Diagnostic> {
        let kinds = self.items.len();
        let mut notes: Vec<Diagnostic> = self
            .items
            .into_iter()
            .take(NOTES_PER_DRAFT)
            .map(|(what, lines)| {
                let unit = if lines.len() == 1 {
                    self.unit.to_string()
                } else {
                    format!("{}s", self.unit)
                };
                let mut list: Vec<String> = lines
                    .iter()
                    .take(LINES_PER_NOTE)
                    .map(usize::to_string)
                    .collect();
                if lines.len() > LINES_PER_NOTE {
                    list.push(format!("and {} more", lines.len() - LINES_PER_NOTE));
                }
                Diagnostic::note(
                    "import",
                    format!("{}: {unit} {}: {what}", path.display(), list.join(", ")),
                )
            })
            .collect();
        if kinds > NOTES_PER_DRAFT {
            notes.push(Diagnostic::note(
                "import",
                format!(
                    "{}: and {} more notes of other kinds (the first {NOTES_PER_DRAFT} are shown)",
                    path.display(),
                    kinds - NOTES_PER_DRAFT
                ),
            ));
        }
        notes
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A draft read and recognised.
pub struct Imported {
    pub source: PathBuf,
    pub doc: Doc,
    /// What was repaired or guessed, for review.
    pub notes: Vec<Diagnostic>,
}

impl Imported {
    /// The plan and the files it refers to, `plan.toml` first.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        emit::files(&self.doc, &self.source_name())
    }

    /// The plan as one TOML text, bodies inline.
    pub fn inline_plan(&self) -> String {
        emit::inline(&self.doc, &self.source_name())
    }

    fn source_name(&self) -> String {
        self.source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Reads and recognises a draft.
pub fn import(path: &Path, sources: &mut SourceMap) -> Result<Imported, Failed> {
    let (mut lines, mut diagnostics) = draft::read(path, sources)?;
    let kind = Kind::of(path);
    let mut notes = Notes::new(if kind == Some(Kind::Word) {
        "paragraph"
    } else {
        "line"
    });
    web::drop_web_clutter(&mut lines, &mut notes);
    repair::repair_lines(&mut lines, &mut notes);
    if lines.is_empty() {
        return Err(Diagnostic::error(
            "import",
            format!("{}: the draft has no text", path.display()),
        )
        .into());
    }
    // Markdown paragraphs are already whole; text and Word drafts pasted
    // from the web carry its hard wraps.
    let mut doc =
        structure::Recogniser::new(&lines, &mut notes, kind != Some(Kind::Markdown)).recognise();
    unplaced::keep_unplaced(&lines, &mut doc, &mut notes);
    within_limits(&doc, path)?;
    diagnostics.extend(notes.into_diagnostics(path));
    Ok(Imported {
        source: path.to_path_buf(),
        doc,
        notes: diagnostics,
    })
}

/// A plan import would write must build: refused here, with the part
/// named, rather than written and then refused by `notice build`.
fn within_limits(doc: &Doc, path: &Path) -> Result<(), Failed> {
    if doc.title.is_none() && doc.body.is_empty() && doc.attachments.is_empty() {
        // Only a 版记 or a 署名, say: `notice build` refuses an empty plan.
        return Err(Diagnostic::error(
            "import",
            format!(
                "{}: the draft has no title, body text or attachment that import could find",
                path.display()
            ),
        )
        .hint("a draft needs its title or its text; import the whole document")
        .into());
    }
    let parts = std::iter::once(("the body".to_string(), &doc.body)).chain(
        doc.attachments
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("attachment {} “{}”", i + 1, a.title), &a.body)),
    );
    for (name, blocks) in parts {
        let bytes = emit::markdown(blocks).len() as u64;
        let rows = blocks
            .iter()
            .filter_map(|b| match b {
                structure::Block::Table(rows) => Some(rows.len()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let what = if bytes > limits::BODY_BYTES {
            format!(
                "{name} comes to {:.1} MB, more than the {} a body may hold",
                bytes as f64 / f64::from(1u32 << 20),
                limits::human_bytes(limits::BODY_BYTES)
            )
        } else if rows > limits::CSV_ROWS {
            format!(
                "a table of {name} has {rows} rows, more than the {} a table may hold",
                limits::CSV_ROWS
            )
        } else {
            continue;
        };
        return Err(
            Diagnostic::error("limit", format!("{}: {what}", path.display()))
                .hint("split the draft into smaller documents")
                .into(),
        );
    }
    Ok(())
}

/// Drafts `notice build` takes as they are, importing them in memory: Word
/// files (a `.txt` is not one: its text twin would overwrite it).
pub fn builds_directly(path: &Path) -> bool {
    Kind::of(path) == Some(Kind::Word)
}

/// Where `notice import` writes by default: a folder named after the
/// draft, beside it (`通知.docx` → `通知/`).
/// A name of dots only (`..txt`) would name the draft's own folder or
/// its parent: such a draft gets a folder named `draft`.
pub fn default_dir(draft: &Path) -> PathBuf {
    let stem = draft
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem.trim_matches('.').trim().is_empty() {
        draft.with_file_name("draft")
    } else {
        draft.with_file_name(stem)
    }
}

#[cfg(test)]
mod tests {
    use super::{Notes, default_dir};
    use std::path::Path;

    #[test]
    fn a_hundred_thousand_notes_print_as_a_bounded_few() {
        let mut notes = Notes::new("line");
        for at in 1..=100_000 {
            notes.add(at, "removed spaces between Chinese characters");
            notes.add(
                at,
                format!("the attachment “附件{at}” is not in the 附件说明"),
            );
        }
        let printed = notes.into_diagnostics(Path::new("d.txt"));
        assert_eq!(printed.len(), 51);
        let first = printed[0].message.as_str();
        assert!(
            first.starts_with("d.txt: lines 1, 2, 3,")
                && first.contains("20, and 99980 more: removed"),
            "{first}"
        );
        assert!(
            printed[50].message.contains("and 99951 more notes"),
            "{}",
            printed[50].message
        );
        assert!(printed.iter().all(|d| d.message.len() < 400));
    }

    #[test]
    fn a_draft_named_with_dots_only_gets_a_folder_of_its_own() {
        assert_eq!(default_dir(Path::new("in/..txt")), Path::new("in/draft"));
        assert_eq!(default_dir(Path::new("in/...docx")), Path::new("in/draft"));
        assert_eq!(default_dir(Path::new("in/通知.docx")), Path::new("in/通知"));
    }
}
