//! One document: plan → model and its checks → pages → outputs, written only
//! when everything succeeded. `check` runs the same steps and writes
//! nothing.

use std::time::{Duration, Instant};

use super::{Engine, Job, Mode, Options, Outcome, Status, cache};
use crate::compose::{self, Composed};
use crate::diagnostic::SourceMap;
use crate::diagnostic::{Diagnostic, Failed, Severity};
use crate::output;
use crate::plan::LoadedPlan;
use crate::typeset::Laid;
use crate::writers::{self, Names, Rendered};
use crate::{import, lint, plan, typeset};

/// Measures the phases of one job.
struct Clock {
    last: Instant,
    phases: Vec<(&'static str, Duration)>,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            last: Instant::now(),
            phases: Vec::new(),
        }
    }

    fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.phases.push((phase, now - self.last));
        self.last = now;
    }
}

/// A job's plan: read from its file, or (a Word draft) imported in memory,
/// with the import's notes.
fn load(job: &Job, sources: &mut SourceMap) -> Result<(LoadedPlan, Vec<Diagnostic>), Failed> {
    if !import::builds_directly(&job.plan) {
        return Ok((plan::load(&job.plan, sources)?, Vec::new()));
    }
    let imported = import::import(&job.plan, sources)?;
    // The plan has no file; it is named after the draft, in its folder, so
    // the draft's neighbours are found as a plan's would be.
    let name = format!("{} (imported).toml", job.plan.display());
    let loaded = plan::parse(
        std::path::Path::new(&name),
        imported.inline_plan().into_bytes(),
        sources,
    )?;
    Ok((loaded, imported.notes))
}

impl Engine {
    /// Runs a job: builds it, or checks it, as `options.mode` says.
    pub fn run(&self, job: &Job, options: &Options) -> Outcome {
        let started = Instant::now();
        let mut outcome = Outcome::new(job);
        let mut clock = Clock::new();
        match options.mode {
            Mode::Build => self.build(job, options, &mut outcome, &mut clock),
            Mode::Check => self.check(job, options, &mut outcome, &mut clock),
        }
        outcome.phases = clock.phases;
        outcome.elapsed = started.elapsed();
        outcome
    }

    /// Reads the plan, composes its model and runs the checks. The findings
    /// are returned beside the model; errors end the job.
    fn compose(
        &self,
        job: &Job,
        options: &Options,
        outcome: &mut Outcome,
    ) -> Result<(Composed, Vec<Diagnostic>), Failed> {
        let mut settings = options.compose.clone();
        for (name, value) in &job.row {
            // A row's cells override the plan's vars; --var overrides both.
            settings
                .vars
                .entry(name.clone())
                .or_insert_with(|| value.clone());
        }
        let (loaded, notes) = load(job, &mut outcome.sources)?;
        let composed = compose::compose(
            &loaded,
            &settings,
            &mut outcome.sources,
            &mut outcome.inputs,
        )?;
        let mut findings = notes;
        findings.extend(composed.warnings.iter().cloned());
        findings.extend(lint::lint(&lint::Subject {
            loaded: &loaded,
            composed: &composed,
            fonts: &self.fonts,
            today: plan::today(),
        }));
        Ok((composed, findings))
    }

    /// Lays the document out with the template, and audits the pages.
    fn lay_out(
        &self,
        composed: &Composed,
        outcome: &mut Outcome,
    ) -> Result<(Laid, Vec<Diagnostic>), Failed> {
        let roles = typeset::roles_used(&composed.document);
        let (laid, mut warnings) = std::thread::scope(|scope| {
            // Parse and hash the document's faces on the other core while
            // Typst evaluates the template; layout needs them only later.
            scope.spawn(|| self.fonts.warm_up(&roles));
            typeset::layout(
                &composed.document,
                &self.fonts,
                &self.template,
                &mut outcome.sources,
            )
        })?;
        warnings.extend(typeset::audit::audit(&composed.document, &laid));
        Ok((laid, warnings))
    }

    fn check(&self, job: &Job, options: &Options, outcome: &mut Outcome, clock: &mut Clock) {
        let (composed, mut findings) = match self.compose(job, options, outcome) {
            Ok(done) => done,
            Err(Failed(diagnostics)) => {
                outcome.diagnostics = diagnostics;
                return;
            }
        };
        clock.lap("plan, model and checks");
        match self.lay_out(&composed, outcome) {
            Ok((laid, warnings)) => {
                clock.lap("layout");
                findings.extend(warnings);
                outcome.pages = laid.views.len();
                outcome.status = if findings.iter().all(|d| d.severity == Severity::Note) {
                    Status::Checked
                } else {
                    Status::Findings
                };
                outcome.diagnostics = findings;
            }
            Err(Failed(mut errors)) => {
                errors.append(&mut findings);
                outcome.diagnostics = errors;
            }
        }
    }

    /// Builds a job and writes its outputs, unless nothing changed since
    /// they were last written. Files are replaced only when the whole build
    /// succeeded.
    fn build(&self, job: &Job, options: &Options, outcome: &mut Outcome, clock: &mut Clock) {
        let (composed, mut findings) = match self.compose(job, options, outcome) {
            Ok(done) => done,
            Err(Failed(diagnostics)) => {
                outcome.diagnostics = diagnostics;
                return;
            }
        };
        clock.lap("plan, model and checks");
        let fingerprint = self.fingerprint(job, options, &composed);
        if !options.force
            && let Some(unchanged) = cache::unchanged(&job.out_dir, &job.stem, fingerprint)
        {
            findings.extend(unchanged.findings);
            if refused_as_strict(options, &mut findings) {
                outcome.diagnostics = findings;
                return;
            }
            outcome.diagnostics = findings;
            outcome.status = Status::Skipped;
            outcome.outputs = unchanged.outputs;
            outcome.pages = unchanged.pages;
            return;
        }
        let Some(made) = self.produce(job, &composed, findings, options, outcome, clock) else {
            return;
        };
        match output::write_all(&made.files) {
            Ok(()) => {
                outcome.outputs = made.files.into_iter().map(|(p, _)| p).collect();
                outcome.status = Status::Built;
                cache::record(
                    &job.out_dir,
                    &job.stem,
                    fingerprint,
                    &outcome.outputs,
                    outcome.pages,
                    &made.layout_findings,
                );
                clock.lap("write files");
            }
            Err(Failed(errors)) => outcome.diagnostics.extend(errors),
        }
    }

    /// Makes a job's outputs in memory, touching no file but its inputs:
    /// what `serve` shows, and what `build` then writes. The outcome's
    /// status is `Built` when every output was made (nothing is written
    /// and no cache is read or kept).
    pub fn render(&self, job: &Job, options: &Options) -> (Outcome, Option<Made>) {
        let started = Instant::now();
        let mut outcome = Outcome::new(job);
        let mut clock = Clock::new();
        let made = match self.compose(job, options, &mut outcome) {
            Ok((composed, findings)) => {
                clock.lap("plan, model and checks");
                self.produce(job, &composed, findings, options, &mut outcome, &mut clock)
                    .map(|made| Made {
                        document: Some(composed.document),
                        ..made
                    })
            }
            Err(Failed(diagnostics)) => {
                outcome.diagnostics = diagnostics;
                None
            }
        };
        if made.is_some() {
            outcome.status = Status::Built;
        }
        outcome.phases = clock.phases;
        outcome.elapsed = started.elapsed();
        (outcome, made)
    }

    /// Lays the document out if a format needs pages and makes every
    /// output in memory; `None` (with the outcome's diagnostics) when a
    /// step fails or `--strict` refuses a finding.
    fn produce(
        &self,
        job: &Job,
        composed: &Composed,
        mut findings: Vec<Diagnostic>,
        options: &Options,
        outcome: &mut Outcome,
        clock: &mut Clock,
    ) -> Option<Made> {
        if refused_as_strict(options, &mut findings) {
            outcome.diagnostics = findings;
            return None;
        }
        let mut layout_findings = Vec::new();
        let needs_pages = options.formats.iter().any(|f| f.writer().needs_pages());
        let pages = if needs_pages {
            match self.lay_out(composed, outcome) {
                Ok((pages, warnings)) => {
                    layout_findings = warnings.clone();
                    findings.extend(warnings);
                    clock.lap("layout");
                    Some(pages)
                }
                Err(Failed(mut errors)) => {
                    errors.append(&mut findings);
                    outcome.diagnostics = errors;
                    return None;
                }
            }
        } else {
            None
        };
        if refused_as_strict(options, &mut findings) {
            outcome.diagnostics = findings;
            return None;
        }
        outcome.diagnostics = findings;
        outcome.pages = pages.as_ref().map_or(0, |p| p.views.len());
        let rendered = Rendered {
            document: &composed.document,
            laid: pages.as_ref(),
            fonts: &self.fonts,
            template: &self.template,
        };
        let names = Names {
            dir: job.out_dir.clone(),
            stem: job.stem.clone(),
        };
        match writers::write_all(&rendered, &options.formats, &names, &options.writers) {
            Ok(files) => {
                clock.lap("write in memory");
                Some(Made {
                    document: None,
                    files,
                    layout_findings,
                })
            }
            Err(Failed(errors)) => {
                outcome.diagnostics.extend(errors);
                None
            }
        }
    }

    /// Everything a build's outputs depend on: notice's version, template,
    /// fonts, the bytes of every file the document was made from,
    /// placeholder values, formats and their settings.
    fn fingerprint(&self, job: &Job, options: &Options, composed: &Composed) -> u128 {
        let mut vars = options.compose.vars.clone();
        for (name, value) in &job.row {
            vars.entry(name.clone()).or_insert_with(|| value.clone());
        }
        typst::utils::hash128(&(
            env!("CARGO_PKG_VERSION"),
            self.identity,
            &job.stem,
            &vars,
            &options.compose.root,
            &options.formats,
            options.writers.fingerprint(),
            &composed.inputs,
        ))
    }
}

/// A document's outputs made in memory ([`Engine::render`]).
pub struct Made {
    /// The model the outputs were made from (from `render` only).
    pub document: Option<crate::model::Document>,
    /// Each output's path (where `build` would write it) and bytes.
    pub files: Vec<(std::path::PathBuf, Vec<u8>)>,
    /// What the layout's audit found (what the cache replays).
    layout_findings: Vec<Diagnostic>,
}

/// Under `--strict`, a warning fails the build: every finding becomes an
/// error, and nothing is written.
fn refused_as_strict(options: &Options, findings: &mut [Diagnostic]) -> bool {
    let refused = options.strict && findings.iter().any(|d| d.severity != Severity::Note);
    if refused {
        for d in findings {
            d.severity = Severity::Error;
        }
    }
    refused
}
