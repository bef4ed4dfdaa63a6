//! Problems found in a plan, with the place they were found.
//!
//! Every input file read while building a document is registered in a
//! [`SourceMap`], so a problem anywhere (plan, body file, CSV, Typst template)
//! can point at its file, line and column and underline the offending text.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

/// Index of a file in a [`SourceMap`].
pub type FileId = usize;

/// The text of every input file of one build, for pointing at places in them.
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
    paths: Vec<PathBuf>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a file's text and returns its id.
    pub fn add(&mut self, path: &Path, text: String) -> FileId {
        self.paths.push(path.to_path_buf());
        self.files.add(path.display().to_string(), text)
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.paths[id]
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information for review (what an import repaired); never a failure.
    Note,
    Warning,
    Error,
}

/// A place in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: FileId,
    pub span: Range<usize>,
}

/// One problem, with where it is and how to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where; `None` for problems of the whole build (e.g. a missing file
    /// given on the command line).
    pub place: Option<Place>,
    /// Text shown under the underlined span.
    pub label: String,
    /// How to fix it.
    pub hints: Vec<String>,
    /// A short stable name of the check, for `notice check` and JSON output.
    /// Owned only when read back from the cache.
    pub code: Cow<'static, str>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            place: None,
            label: String::new(),
            hints: Vec::new(),
            code: Cow::Borrowed(code),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, file: FileId, span: Range<usize>) -> Self {
        self.place = Some(Place { file, span });
        self
    }

    pub fn at_place(mut self, place: Option<Place>) -> Self {
        self.place = place;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` of the problem, if it has a place.
    pub fn location(&self, sources: &SourceMap) -> Option<(PathBuf, usize, usize)> {
        let place = self.place.as_ref()?;
        let (line, col) = sources.line_col(place.file, place.span.start);
        Some((sources.path(place.file).to_path_buf(), line, col))
    }

    /// Renders the problem like rustc does: file, line, column, the source
    /// line with the span underlined, and the hints.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let mut report = match self.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
            Severity::Note => Report::note(),
        }
        .with_message(&self.message)
        .with_code(self.code.as_ref());
        if let Some(place) = &self.place {
            let text = sources.text(place.file);
            let start = floor_char_boundary(text, place.span.start.min(text.len()));
            let end = floor_char_boundary(text, place.span.end.min(text.len())).max(start);
            report = report.with_labels(vec![
                Label::primary(place.file, start..end).with_message(&self.label),
            ]);
        }
        report = report.with_notes(self.hints.iter().map(|h| format!("hint: {h}")).collect());

        let mut buffer = if color {
            term::termcolor::Buffer::ansi()
        } else {
            term::termcolor::Buffer::no_color()
        };
        let config = Config::default();
        if term::emit_to_write_style(&mut buffer, &config, &sources.files, &report).is_err() {
            return self.to_string();
        }
        String::from_utf8_lossy(buffer.as_slice()).into_owned()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        for hint in &self.hints {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// A build that failed, with every problem found before it stopped.
#[derive(Debug)]
pub struct Failed(pub Vec<Diagnostic>);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.0.iter().find(|d| d.is_error());
        match first {
            Some(d) => write!(f, "{d}"),
            None => write!(f, "the build failed"),
        }
    }
}

impl std::error::Error for Failed {}

impl From<Diagnostic> for Failed {
    fn from(diagnostic: Diagnostic) -> Self {
        Failed(vec![diagnostic])
    }
}

/// The known name closest to a misspelt one, for "did you mean" hints.
pub fn closest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(wrong, k), k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}
