//! One document: plan → model (and its checks) → Typst layout → exported
//! files, written only when everything succeeded.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use typst_layout::PagedDocument;

use crate::cache;
use crate::diagnostic::{Diagnostic, Failed, Severity, SourceMap};
use crate::document::{self, BuildInputs, Built};
use crate::export::{self, Format};
use crate::fonts::FontSet;
use crate::plan::{self, Date, LoadedPlan};
use crate::template::Template;
use crate::{lint, render};

/// What a process shares between the documents it builds: fonts (parsed
/// once) and the template. Typst's caches are process-wide as well.
pub struct Engine {
    pub fonts: FontSet,
    pub template: Template,
    /// Identity of the template and fonts, part of every build's fingerprint.
    identity: u128,
}

/// How to build.
#[derive(Debug, Clone)]
pub struct Options {
    pub inputs: BuildInputs,
    /// Treat findings of the checks as errors: write nothing.
    pub strict: bool,
    pub formats: Vec<Format>,
    pub export: export::Settings,
    /// Rebuild even when nothing changed since the outputs were written.
    pub force: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inputs: BuildInputs::default(),
            strict: false,
            formats: vec![Format::Pdf, Format::Txt],
            export: export::Settings::default(),
            force: false,
        }
    }
}

/// One document to build: a plan, perhaps with a row of mail-merge data,
/// and where its outputs go.
#[derive(Debug, Clone)]
pub struct Job {
    pub plan: PathBuf,
    /// Placeholder values of a mail-merge row (over the plan's `vars`).
    pub row: BTreeMap<String, String>,
    pub out_dir: PathBuf,
    /// Outputs are named `STEM.pdf`, `STEM.txt` ...
    pub stem: String,
    /// How the job is named in reports (`plan.toml`, `plan.toml row 3`).
    pub label: String,
}

impl Job {
    /// A plan's job: outputs beside it (or in `out_dir`), named after it.
    pub fn for_plan(plan: &Path, out_dir: Option<&Path>) -> Job {
        let stem = plan
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "notice".into());
        // A bare file name's outputs are bare names too (`plan.pdf`, not
        // `./plan.pdf`).
        let dir = match out_dir {
            Some(dir) => dir.to_path_buf(),
            None => plan.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        Job {
            plan: plan.to_path_buf(),
            row: BTreeMap::new(),
            out_dir: dir,
            stem,
            label: plan.display().to_string(),
        }
    }
}

/// The folder of a path, `.` for a bare file name.
pub fn parent_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Outputs written.
    Built,
    /// Inputs unchanged since the outputs were written.
    Skipped,
    /// Checked without writing (`notice check`), no problem found.
    Checked,
    Failed,
}

/// The result of one job, with its diagnostics and the sources they point
/// into.
pub struct Outcome {
    pub job: Job,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub status: Status,
    pub outputs: Vec<PathBuf>,
    pub pages: usize,
    pub millis: u128,
    /// Every file the build read (plan, bodies, CSVs, seal), for `watch`.
    pub inputs: Vec<PathBuf>,
}

impl Outcome {
    fn new(job: &Job) -> Outcome {
        Outcome {
            job: job.clone(),
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            status: Status::Failed,
            outputs: Vec::new(),
            pages: 0,
            millis: 0,
            inputs: vec![job.plan.clone()],
        }
    }

    pub fn failed(&self) -> bool {
        self.status == Status::Failed
    }
}

/// A document laid out in memory.
pub struct Compiled {
    pub built: Built,
    pub layout: PagedDocument,
}

impl Engine {
    pub fn new(fonts: FontSet, template: Template) -> Engine {
        let identity = typst::utils::hash128(&(template.fingerprint(), fonts.fingerprint()));
        Engine {
            fonts,
            template,
            identity,
        }
    }

    /// Reads a plan, builds its model and runs the checks on it.
    pub fn model(
        &self,
        plan_path: &Path,
        inputs: &BuildInputs,
        sources: &mut SourceMap,
    ) -> Result<(LoadedPlan, Built, Vec<Diagnostic>), Failed> {
        let loaded = plan::load(plan_path, sources)?;
        let built = document::build(&loaded, inputs, sources)?;
        let mut findings = built.warnings.clone();
        findings.extend(lint::lint(&lint::Subject {
            loaded: &loaded,
            built: &built,
            fonts: &self.fonts,
            today: today(),
        }));
        Ok((loaded, built, findings))
    }

    /// Lays out a built model with the template.
    pub fn layout(
        &self,
        built: Built,
        sources: &mut SourceMap,
    ) -> Result<(Compiled, Vec<Diagnostic>), Failed> {
        let roles = render::roles_used(&built.document);
        let (layout, warnings) = std::thread::scope(|scope| {
            // Parse and hash the document's faces on the other core while
            // Typst evaluates the template; layout needs them only later.
            scope.spawn(|| self.fonts.warm_up(&roles));
            render::layout(
                &built.document,
                &built.seals,
                &self.fonts,
                &self.template,
                sources,
            )
        })?;
        Ok((Compiled { built, layout }, warnings))
    }

    /// Checks a plan without writing anything: the whole build runs in
    /// memory, so `check` finds whatever `build` would.
    pub fn check(&self, plan_path: &Path, inputs: &BuildInputs) -> Outcome {
        let job = Job::for_plan(plan_path, None);
        let mut outcome = Outcome::new(&job);
        let started = Instant::now();
        let result = self
            .model(plan_path, inputs, &mut outcome.sources)
            .and_then(|(_, built, mut findings)| {
                outcome.inputs = built.inputs.clone();
                let (compiled, warnings) =
                    self.layout(built, &mut outcome.sources)
                        .map_err(|Failed(mut errors)| {
                            errors.append(&mut findings);
                            Failed(errors)
                        })?;
                findings.extend(warnings);
                outcome.pages = compiled.layout.pages().len();
                Ok(findings)
            });
        match result {
            Ok(findings) => {
                outcome.status = if findings.is_empty() {
                    Status::Checked
                } else {
                    Status::Failed
                };
                outcome.diagnostics = findings;
            }
            Err(Failed(diagnostics)) => outcome.diagnostics = diagnostics,
        }
        outcome.millis = started.elapsed().as_millis();
        outcome
    }

    /// Builds a job and writes its outputs, unless nothing changed since
    /// they were last written. Files are replaced only when the whole build
    /// succeeded.
    pub fn build(&self, job: &Job, options: &Options) -> Outcome {
        let started = Instant::now();
        let mut outcome = Outcome::new(job);
        self.build_into(job, options, &mut outcome);
        outcome.millis = started.elapsed().as_millis();
        outcome
    }

    fn build_into(&self, job: &Job, options: &Options, outcome: &mut Outcome) {
        let timing = std::env::var_os("NOTICE_TIMING").is_some();
        let mut last = Instant::now();
        let mut phase = |name: &str| {
            if timing {
                eprintln!("{:>8.1} ms  {name}", last.elapsed().as_secs_f64() * 1000.0);
                last = Instant::now();
            }
        };
        let mut inputs = options.inputs.clone();
        for (name, value) in &job.row {
            // A row's columns override the plan's vars; --var overrides both.
            if !options.inputs.vars.contains_key(name) {
                inputs.vars.insert(name.clone(), value.clone());
            }
        }
        let (_, built, mut findings) = match self.model(&job.plan, &inputs, &mut outcome.sources) {
            Ok(model) => model,
            Err(Failed(diagnostics)) => {
                outcome.diagnostics = diagnostics;
                return;
            }
        };
        outcome.inputs = built.inputs.clone();
        phase("plan, model and checks");
        if options.strict && !findings.is_empty() {
            for d in &mut findings {
                d.severity = Severity::Error;
            }
            outcome.diagnostics = findings;
            return;
        }

        let fingerprint = self.fingerprint(job, options, &inputs, &built);
        if !options.force
            && let Some((outputs, pages)) = cache::unchanged(&job.out_dir, &job.stem, fingerprint)
        {
            outcome.diagnostics = findings;
            outcome.status = Status::Skipped;
            outcome.outputs = outputs;
            outcome.pages = pages;
            return;
        }

        let (compiled, warnings) = match self.layout(built, &mut outcome.sources) {
            Ok(done) => done,
            Err(Failed(mut errors)) => {
                errors.append(&mut findings);
                outcome.diagnostics = errors;
                return;
            }
        };
        phase("layout");
        findings.extend(warnings);
        outcome.diagnostics = findings;
        outcome.pages = compiled.layout.pages().len();
        let files = match export::export(&compiled, self, job, &options.formats, &options.export) {
            Ok(files) => files,
            Err(Failed(errors)) => {
                outcome.diagnostics.extend(errors);
                return;
            }
        };
        phase("export");
        let staged: Vec<(&Path, &[u8])> = files
            .iter()
            .map(|(p, b)| (p.as_path(), b.as_slice()))
            .collect();
        match write_outputs(&staged) {
            Ok(()) => {
                outcome.outputs = files.into_iter().map(|(p, _)| p).collect();
                outcome.status = Status::Built;
                cache::record(
                    &job.out_dir,
                    &job.stem,
                    fingerprint,
                    &outcome.outputs,
                    outcome.pages,
                );
                phase("write");
            }
            Err(Failed(errors)) => outcome.diagnostics.extend(errors),
        }
    }

    /// Everything a build's outputs depend on: notice's version, template,
    /// fonts, the plan and every file it read, placeholder values, formats.
    fn fingerprint(
        &self,
        job: &Job,
        options: &Options,
        inputs: &BuildInputs,
        built: &Built,
    ) -> u128 {
        let files: Vec<(&PathBuf, Vec<u8>)> = built
            .inputs
            .iter()
            .map(|path| (path, std::fs::read(path).unwrap_or_default()))
            .collect();
        typst::utils::hash128(&(
            env!("CARGO_PKG_VERSION"),
            self.identity,
            &job.stem,
            &inputs.vars,
            &inputs.root,
            &options.formats,
            options.export.fingerprint(),
            files,
        ))
    }
}

/// Today's date (UTC), for the checks of implausible dates; never printed,
/// so outputs stay reproducible.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date::new(year, month, day).unwrap_or(Date {
        year: 2000,
        month: 1,
        day: 1,
    })
}

/// Writes every output to a temporary file beside its target first and
/// renames them into place only when all were written, so a failure never
/// leaves a truncated or half-updated set.
pub fn write_outputs(outputs: &[(&Path, &[u8])]) -> Result<(), Failed> {
    let io = |message: String| Failed::from(Diagnostic::error("io", message));
    let mut staged = Vec::new();
    for (path, bytes) in outputs {
        let dir = parent_dir(path);
        std::fs::create_dir_all(&dir).map_err(|err| {
            io(format!(
                "cannot create output folder {}: {err}",
                dir.display()
            ))
        })?;
        let mut file = tempfile::Builder::new()
            .prefix(".notice-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|err| io(format!("cannot write in {}: {err}", dir.display())))?;
        in_progress().insert(file.path().to_path_buf());
        // No fsync: the rename makes the replacement atomic for the process,
        // which is what protects outputs from failed and interrupted builds.
        std::io::Write::write_all(&mut file, bytes)
            .and_then(|()| output_permissions(file.as_file(), path))
            .map_err(|err| io(format!("cannot write {}: {err}", path.display())))?;
        staged.push((file, *path));
    }
    staged.into_iter().try_for_each(|(file, path)| {
        let temp = file.path().to_path_buf();
        let persisted = file.persist(path);
        in_progress().remove(&temp);
        persisted
            .map(|_| ())
            .map_err(|err| io(format!("cannot replace {}: {}", path.display(), err.error)))
    })
}

/// Temporary files being written, deleted if the process is interrupted.
fn in_progress() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    static FILES: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    FILES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// On Ctrl-C (or SIGTERM), removes half-written temporary files before
/// exiting, so an interrupted build leaves the previous outputs and nothing
/// else.
pub fn clean_up_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        for path in in_progress().iter() {
            let _ = std::fs::remove_file(path);
        }
        std::process::exit(130);
    });
}

/// Temporary files are private; outputs get the permissions of the file
/// they replace, or the usual `rw-r--r--`.
fn output_permissions(file: &std::fs::File, target: &Path) -> std::io::Result<()> {
    let permissions = match std::fs::metadata(target) {
        Ok(meta) => meta.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                return Ok(());
            }
        }
    };
    file.set_permissions(permissions)
}
