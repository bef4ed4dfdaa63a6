//! Reporting outcomes: diagnostics and one line per document on stderr (a
//! progress bar on a terminal), only problems, or one JSON record per
//! document on stdout.

use std::io::IsTerminal;
use std::sync::Mutex;

use super::common::print_phases;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::driver::{Mode, Outcome, Status};

/// How outcomes are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStyle {
    /// Diagnostics and one line per document on stderr (a progress bar on a
    /// terminal for batches).
    Human,
    /// Only problems.
    Quiet,
    /// One JSON record per document on stdout.
    Json,
}

/// Prints outcomes as they arrive, from any thread.
pub struct Reporter {
    style: ReportStyle,
    mode: Mode,
    color: bool,
    bar: Option<indicatif::ProgressBar>,
    lock: Mutex<()>,
    /// Documents seen so far, by status, for the closing tally.
    tally: Mutex<Tally>,
    total: usize,
    started: std::time::Instant,
}

#[derive(Default)]
struct Tally {
    built: usize,
    skipped: usize,
    checked: usize,
    with_findings: usize,
    failed: usize,
    warned: usize,
}

impl Reporter {
    pub fn new(style: ReportStyle, mode: Mode, total: usize) -> Reporter {
        let terminal = std::io::stderr().is_terminal();
        let bar = (style == ReportStyle::Human && terminal && total > 1).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(template) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} ({elapsed})")
            {
                bar.set_style(template);
            }
            bar
        });
        Reporter {
            style,
            mode,
            color: terminal,
            bar,
            lock: Mutex::new(()),
            tally: Mutex::new(Tally::default()),
            total,
            started: std::time::Instant::now(),
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text.trim_end()),
            None => eprint!("{text}"),
        }
    }

    /// Reports problems found before any document was built (each error
    /// counts as a failed document: a plan or data row that could not be
    /// used).
    pub fn problems(&self, diagnostics: &[Diagnostic], sources: &SourceMap) {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        {
            let mut tally = self.tally.lock().unwrap_or_else(|p| p.into_inner());
            tally.failed += diagnostics.iter().filter(|d| d.is_error()).count();
        }
        for d in diagnostics {
            if self.style == ReportStyle::Json {
                let key = if d.is_error() { "errors" } else { "warnings" };
                let status = if d.is_error() { "failed" } else { "note" };
                json_line(
                    &serde_json::json!({ "status": status, key: [diagnostic_json(d, sources)] }),
                );
            } else {
                self.line(&d.render(sources, self.color));
            }
        }
    }

    pub fn outcome(&self, outcome: &Outcome) {
        print_phases(outcome);
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        {
            let mut tally = self.tally.lock().unwrap_or_else(|p| p.into_inner());
            match outcome.status {
                Status::Built => tally.built += 1,
                Status::Skipped => tally.skipped += 1,
                Status::Checked => tally.checked += 1,
                Status::Findings => tally.with_findings += 1,
                Status::Failed => tally.failed += 1,
            }
            if !outcome.failed() && !outcome.diagnostics.is_empty() {
                tally.warned += 1;
            }
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(outcome.job.label.clone());
        }
        match self.style {
            ReportStyle::Json => json_line(&outcome_json(outcome)),
            ReportStyle::Quiet => {
                if outcome.failed() {
                    for d in &outcome.diagnostics {
                        self.line(&d.render(&outcome.sources, self.color));
                    }
                }
            }
            ReportStyle::Human => {
                for d in &outcome.diagnostics {
                    self.line(&d.render(&outcome.sources, self.color));
                }
                self.line(&summary(outcome, self.mode));
            }
        }
    }

    /// Ends the progress bar; after several documents, a human report ends
    /// with one line of totals (what a CI log or a clerk reads first).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.style == ReportStyle::Human && self.total > 1 {
            let tally = self.tally.lock().unwrap_or_else(|p| p.into_inner());
            eprintln!("{}", tally.line(self.started.elapsed()));
        }
    }
}

impl Tally {
    /// `200 documents: 198 built, 1 unchanged, 1 failed (3 with warnings) in 2.58 s`
    fn line(&self, elapsed: std::time::Duration) -> String {
        let seen = self.built + self.skipped + self.checked + self.with_findings + self.failed;
        let mut parts = Vec::new();
        for (count, what) in [
            (self.built, "built"),
            (self.checked, "checked"),
            (self.with_findings, "with findings"),
            (self.skipped, "unchanged"),
            (self.failed, "failed"),
        ] {
            if count > 0 {
                parts.push(format!("{count} {what}"));
            }
        }
        let warned = match self.warned {
            0 => String::new(),
            n => format!(" ({n} with warnings)"),
        };
        format!(
            "{seen} documents: {}{warned} in {:.2} s",
            parts.join(", "),
            elapsed.as_secs_f64()
        )
    }
}

/// A JSON record on its own line of stdout (a closed pipe is ignored).
fn json_line(value: &serde_json::Value) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}").and_then(|()| out.flush());
}

fn pages(n: usize) -> String {
    if n == 1 {
        "1 page".into()
    } else {
        format!("{n} pages")
    }
}

/// One line saying what happened to a document.
pub fn summary(outcome: &Outcome, mode: Mode) -> String {
    let names: Vec<String> = outcome
        .outputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let warnings = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Warning)
        .count();
    let warnings = if warnings > 0 {
        format!(", {warnings} warning(s)")
    } else {
        String::new()
    };
    match outcome.status {
        Status::Built => format!(
            "wrote {} ({}{warnings})\n",
            names.join(", "),
            pages(outcome.pages)
        ),
        Status::Skipped => format!("up to date: {}{warnings}\n", names.join(", ")),
        Status::Checked => format!("{}: no problems found\n", outcome.job.label),
        Status::Findings => format!(
            "{}: {} problem(s) found ({})\n",
            outcome.job.label,
            outcome.diagnostics.len(),
            pages(outcome.pages)
        ),
        Status::Failed if mode == Mode::Check => format!(
            "error: {} cannot be checked until the errors above are fixed\n",
            outcome.job.label
        ),
        Status::Failed => format!(
            "error: {} was not built; previous outputs are unchanged\n",
            outcome.job.label
        ),
    }
}

/// A diagnostic as JSON: severity, code, message, place, hints.
pub fn diagnostic_json(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let (file, line, column) = match d.location(sources) {
        Some((file, line, column)) => (Some(file.display().to_string()), Some(line), Some(column)),
        None => (None, None, None),
    };
    serde_json::json!({
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "file": file,
        "line": line,
        "column": column,
        "hints": d.hints,
    })
}

/// One document's record for `--json`.
pub fn outcome_json(outcome: &Outcome) -> serde_json::Value {
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        outcome.diagnostics.iter().partition(|d| d.is_error());
    let list = |ds: Vec<&Diagnostic>| {
        ds.into_iter()
            .map(|d| diagnostic_json(d, &outcome.sources))
            .collect::<Vec<_>>()
    };
    serde_json::json!({
        "plan": outcome.job.plan.display().to_string(),
        "row": if outcome.job.row.is_empty() { serde_json::Value::Null } else { serde_json::json!(outcome.job.row) },
        "status": outcome.status,
        "outputs": outcome.outputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "pages": outcome.pages,
        "warnings": list(warnings),
        "errors": list(errors),
        "ms": outcome.elapsed.as_millis(),
    })
}
