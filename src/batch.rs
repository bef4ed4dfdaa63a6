//! Many documents in one process: plans from files, folders and globs, or
//! one plan merged with the rows of a CSV; built in parallel, each reported
//! as it finishes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use minijinja::{Environment, UndefinedBehavior};

use crate::diagnostic::{Diagnostic, SourceMap};
use crate::pipeline::{Engine, Job, Options, Outcome, Status, parent_dir};
use crate::plan;

/// A plan found on the command line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    pub plan: PathBuf,
    /// The folder argument it was found in: `--out` mirrors the tree below.
    pub base: Option<PathBuf>,
}

/// Plans named by arguments: files, folders (every `*.toml` plan and every
/// `.md` with `+++` front matter inside, recursively) and glob patterns.
pub fn expand(args: &[PathBuf]) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut found = BTreeSet::new();
    let mut problems = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let before = found.len();
            walk(arg, arg, &mut found);
            if found.len() == before {
                problems.push(
                    Diagnostic::error("no-plans", format!("no plans in {}", arg.display())).hint(
                        "a folder is searched for *.toml plans and *.md files starting with +++",
                    ),
                );
            }
        } else if arg.is_file() {
            found.insert(Input {
                plan: arg.clone(),
                base: None,
            });
        } else if arg.to_string_lossy().contains(['*', '?', '[']) {
            let pattern = arg.to_string_lossy();
            match glob::glob(&pattern) {
                Ok(paths) => {
                    let before = found.len();
                    for path in paths.flatten() {
                        if path.is_file() && is_plan(&path) {
                            found.insert(Input {
                                plan: path,
                                base: None,
                            });
                        }
                    }
                    if found.len() == before {
                        problems.push(Diagnostic::error(
                            "no-plans",
                            format!("no plans match {pattern}"),
                        ));
                    }
                }
                Err(err) => problems.push(
                    Diagnostic::error("glob", format!("bad pattern {pattern}: {err}"))
                        .hint("quote patterns so the shell passes them on: 'plans/**/*.toml'"),
                ),
            }
        } else {
            problems.push(
                Diagnostic::error(
                    "io",
                    format!("cannot read plan {}: no such file or folder", arg.display()),
                )
                .hint("check the path; a plan is a .toml file or a .md file with +++ front matter"),
            );
        }
    }
    (found.into_iter().collect(), problems)
}

fn walk(dir: &Path, base: &Path, found: &mut BTreeSet<Input>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Hidden folders, notice's own exports and build folders hold no plans.
        if name.starts_with('.') || name.ends_with(".typst") || name == "target" {
            continue;
        }
        if path.is_dir() {
            walk(&path, base, found);
        } else if is_plan(&path) {
            found.insert(Input {
                plan: path,
                base: Some(base.to_path_buf()),
            });
        }
    }
}

/// `*.toml`, or `*.md` whose first line is `+++`.
fn is_plan(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("toml") => true,
        _ if plan::is_markdown(path) => std::fs::read(path)
            .map(|bytes| {
                bytes
                    .strip_prefix(b"\xEF\xBB\xBF")
                    .unwrap_or(&bytes)
                    .starts_with(b"+++")
            })
            .unwrap_or(false),
        _ => false,
    }
}

/// A job per input; under `out`, folders are mirrored.
pub fn jobs(inputs: &[Input], out: Option<&Path>) -> Vec<Job> {
    inputs
        .iter()
        .map(|input| {
            let out_dir = out.map(|out| match &input.base {
                Some(base) => {
                    let rel = parent_dir(&input.plan)
                        .strip_prefix(base)
                        .map(Path::to_path_buf)
                        .unwrap_or_default();
                    out.join(rel)
                }
                None => out.to_path_buf(),
            });
            Job::for_plan(&input.plan, out_dir.as_deref())
        })
        .collect()
}

/// Mail merge: one job per row of `data` (a CSV whose header names the
/// placeholders), named by the minijinja template `name`.
pub fn merge_jobs(
    plan: &Path,
    data: &Path,
    name: Option<&str>,
    out: Option<&Path>,
    sources: &mut SourceMap,
) -> (Vec<Job>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let bytes = match std::fs::read(data) {
        Ok(bytes) => bytes,
        Err(err) => {
            problems.push(Diagnostic::error(
                "io",
                format!("cannot read data {}: {err}", data.display()),
            ));
            return (Vec::new(), problems);
        }
    };
    let text = match plan::decode_utf8(data, bytes) {
        Ok(text) => text,
        Err(failed) => return (Vec::new(), failed.0),
    };
    let file = sources.add(data, text);
    let text = sources.text(file).to_string();
    let line_span = |offset: usize| {
        let offset = offset.min(text.len());
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        offset..end
    };

    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let base = Job::for_plan(plan, out);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(err) => {
            problems.push(
                Diagnostic::error("csv", format!("cannot read the data's header row: {err}"))
                    .at(file, line_span(0)),
            );
            return (Vec::new(), problems);
        }
    };
    let mut jobs = Vec::new();
    let mut names = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let row_number = i + 1;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let offset = err.position().map_or(0, |p| p.byte() as usize);
                problems.push(
                    Diagnostic::error(
                        "data-row",
                        format!("row {row_number} cannot be read: {err}"),
                    )
                    .at(file, line_span(offset))
                    .hint("quote cells containing commas or line breaks with \"...\""),
                );
                continue;
            }
        };
        let offset = record.position().map_or(0, |p| p.byte() as usize);
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != headers.len() {
            problems.push(
                Diagnostic::error(
                    "data-row",
                    format!(
                        "row {row_number} (line {line}) has {} cells but the header has {}",
                        record.len(),
                        headers.len()
                    ),
                )
                .at(file, line_span(offset))
                .label("wrong number of cells")
                .hint("every row needs one cell per column; quote cells that contain commas"),
            );
            continue;
        }
        let row: BTreeMap<String, String> = headers
            .iter()
            .cloned()
            .zip(record.iter().map(|c| c.trim().to_string()))
            .collect();
        let stem = match name {
            Some(template) => match env.render_str(template, minijinja::Value::from(row.clone())) {
                Ok(stem) => sanitize(&stem),
                Err(err) => {
                    problems.push(
                        Diagnostic::error("name", format!("row {row_number} (line {line}): the output name cannot be made: {err}"))
                            .at(file, line_span(offset))
                            .hint(format!("--name may use the columns {}", headers.join(", "))),
                    );
                    continue;
                }
            },
            None => format!("{}-{row_number}", base.stem),
        };
        if stem.is_empty() {
            problems.push(
                Diagnostic::error(
                    "name",
                    format!("row {row_number} (line {line}) gives an empty output name"),
                )
                .at(file, line_span(offset)),
            );
            continue;
        }
        if let Some(other) = names.insert(stem.clone(), line) {
            problems.push(
                Diagnostic::error("name", format!("row {row_number} (line {line}) would overwrite the outputs of line {other} ({stem})"))
                    .at(file, line_span(offset))
                    .hint("make --name give each row its own name, e.g. include a column that differs"),
            );
            continue;
        }
        jobs.push(Job {
            row,
            stem,
            label: format!("{} row {row_number}", plan.display()),
            ..base.clone()
        });
    }
    (jobs, problems)
}

/// An output name from a row: no folders, no control characters.
fn sanitize(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim_matches('.')
        .to_string()
}

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
    failed: usize,
    warned: usize,
}

impl Reporter {
    pub fn new(style: ReportStyle, total: usize) -> Reporter {
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

    /// Reports problems found before any document was built.
    pub fn problems(&self, diagnostics: &[Diagnostic], sources: &SourceMap) {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        for d in diagnostics {
            if self.style == ReportStyle::Json {
                json_line(
                    &serde_json::json!({ "status": "failed", "errors": [diagnostic_json(d, sources)] }),
                );
            } else {
                self.line(&d.render(sources, self.color));
            }
        }
    }

    pub fn outcome(&self, outcome: &Outcome) {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        {
            let mut tally = self.tally.lock().unwrap_or_else(|p| p.into_inner());
            match outcome.status {
                Status::Built => tally.built += 1,
                Status::Skipped => tally.skipped += 1,
                Status::Checked => tally.checked += 1,
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
                self.line(&summary(outcome));
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
        let seen = self.built + self.skipped + self.checked + self.failed;
        let mut parts = Vec::new();
        for (count, what) in [
            (self.built, "built"),
            (self.checked, "checked"),
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

/// One line saying what happened to a document.
pub fn summary(outcome: &Outcome) -> String {
    let names: Vec<String> = outcome
        .outputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let warnings = outcome.diagnostics.iter().filter(|d| !d.is_error()).count();
    let warnings = if warnings > 0 {
        format!(", {warnings} warning(s)")
    } else {
        String::new()
    };
    match outcome.status {
        Status::Built => format!(
            "wrote {} ({} pages{warnings})\n",
            names.join(", "),
            outcome.pages
        ),
        Status::Skipped => format!("up to date: {}{warnings}\n", names.join(", ")),
        Status::Checked => format!("{}: no problems found\n", outcome.job.label),
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
        "ms": outcome.millis,
    })
}

/// Builds every job on `threads` threads (all cores when 0), reporting each
/// as it finishes; returns whether any failed.
///
/// Documents go to plain threads, not to rayon: Typst and the PDF writer use
/// rayon inside, and a rayon worker waiting there would pick up another whole
/// document, stacking half-built documents (and their memory) on one thread.
pub fn run(
    engine: &Engine,
    jobs: &[Job],
    options: &Options,
    threads: usize,
    reporter: &Reporter,
) -> bool {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = engine.build(job, options);
                    reporter.outcome(&outcome);
                    if outcome.failed() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    // Bound memory over long batches: keep only Typst's
                    // recent cache entries.
                    typst::comemo::evict(10);
                }
            });
        }
    });
    reporter.finish();
    failed.load(Ordering::Relaxed)
}
