//! One build: plan → model → (text, Typst layout → PDF) → files on disk.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::diagnostic::{Diagnostic, Failed, Severity, SourceMap};
use crate::document::{self, BuildInputs};
use crate::fonts::FontSet;
use crate::model::Document;
use crate::plan::{self, Date};
use crate::template::Template;
use crate::{lint, render, text};

/// What a process shares between the documents it builds.
pub struct Engine {
    pub fonts: FontSet,
    pub template: Template,
}

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub inputs: BuildInputs,
    /// Treat findings of the checks as errors: write nothing.
    pub strict: bool,
    /// Write outputs here instead of beside the plan.
    pub out_dir: Option<PathBuf>,
}

/// The outputs of one document, in memory.
pub struct Rendered {
    pub document: Document,
    pub text: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Every input file of the build (plan, bodies, CSVs, seal).
    pub inputs: Vec<PathBuf>,
}

/// The result of a build, successful or not, with its diagnostics and the
/// sources they point into.
pub struct Outcome {
    pub plan: PathBuf,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// The files written (none for `check`); `Err` when the build failed.
    pub result: Result<Vec<PathBuf>, ()>,
    pub pages: usize,
}

impl Outcome {
    fn new(plan: &Path) -> Outcome {
        Outcome {
            plan: plan.to_path_buf(),
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            result: Err(()),
            pages: 0,
        }
    }
}

impl Engine {
    /// Builds a plan into memory, without writing anything, and runs the
    /// checks of `lint` on it.
    pub fn render(
        &self,
        plan_path: &Path,
        inputs: &BuildInputs,
        sources: &mut SourceMap,
    ) -> Result<(Rendered, Vec<Diagnostic>), Failed> {
        let loaded = plan::load(plan_path, sources)?;
        let built = document::build(&loaded, inputs, sources)?;
        let mut warnings = built.warnings.clone();
        warnings.extend(lint::lint(&lint::Subject {
            loaded: &loaded,
            built: &built,
            fonts: &self.fonts,
            today: today(),
        }));
        let text = text::render(&built.document);
        let (layout, layout_warnings) = render::layout(
            &built.document,
            built.seal.as_ref(),
            &self.fonts,
            &self.template,
            sources,
        )
        .map_err(|Failed(mut errors)| {
            errors.extend(warnings.iter().cloned());
            Failed(errors)
        })?;
        warnings.extend(layout_warnings);
        let ident = format!(
            "{}|{}",
            built.document.metadata.title,
            built.document.number.as_deref().unwrap_or("")
        );
        let pdf = render::pdf(&layout, &ident)?;
        let pages = layout.pages().len();
        Ok((
            Rendered {
                document: built.document,
                text,
                pdf,
                pages,
                inputs: built.inputs,
            },
            warnings,
        ))
    }

    /// Checks a plan without writing anything: the whole build runs in
    /// memory, so `check` finds whatever `build` would.
    pub fn check(&self, plan_path: &Path, inputs: &BuildInputs) -> Outcome {
        let mut outcome = Outcome::new(plan_path);
        match self.render(plan_path, inputs, &mut outcome.sources) {
            Ok((rendered, findings)) => {
                outcome.pages = rendered.pages;
                outcome.result = if findings.is_empty() {
                    Ok(Vec::new())
                } else {
                    Err(())
                };
                outcome.diagnostics = findings;
            }
            Err(Failed(diagnostics)) => outcome.diagnostics = diagnostics,
        }
        outcome
    }

    /// Builds a plan and writes `NAME.pdf` and `NAME.txt` beside it (or into
    /// `out_dir`). Files are replaced only when the whole build succeeded.
    pub fn build(&self, plan_path: &Path, options: &Options) -> Outcome {
        let mut outcome = Outcome::new(plan_path);
        let (rendered, mut findings) =
            match self.render(plan_path, &options.inputs, &mut outcome.sources) {
                Ok(ok) => ok,
                Err(Failed(diagnostics)) => {
                    outcome.diagnostics = diagnostics;
                    return outcome;
                }
            };
        outcome.pages = rendered.pages;
        if options.strict && !findings.is_empty() {
            for d in &mut findings {
                d.severity = Severity::Error;
            }
            outcome.diagnostics = findings;
            return outcome;
        }
        outcome.diagnostics = findings;
        let (pdf_path, txt_path) = output_paths(plan_path, options.out_dir.as_deref());
        match write_outputs(&[
            (&pdf_path, &rendered.pdf),
            (&txt_path, rendered.text.as_bytes()),
        ]) {
            Ok(()) => outcome.result = Ok(vec![pdf_path, txt_path]),
            Err(Failed(errors)) => outcome.diagnostics.extend(errors),
        }
        outcome
    }
}

/// `NAME.pdf` and `NAME.txt` for a plan `NAME.toml` / `NAME.md`.
pub fn output_paths(plan_path: &Path, out_dir: Option<&Path>) -> (PathBuf, PathBuf) {
    let stem = plan_path
        .file_stem()
        .map(|s| s.to_os_string())
        .unwrap_or_else(|| "notice".into());
    let dir = match out_dir {
        Some(dir) => dir.to_path_buf(),
        None => plan_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    (
        dir.join(&stem).with_extension("pdf"),
        dir.join(&stem).with_extension("txt"),
    )
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
/// leaves a truncated or half-updated pair.
pub fn write_outputs(outputs: &[(&Path, &[u8])]) -> Result<(), Failed> {
    let io = |message: String| Failed::from(Diagnostic::error("io", message));
    let mut staged = Vec::new();
    for (path, bytes) in outputs {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|err| {
            io(format!(
                "cannot create output folder {}: {err}",
                dir.display()
            ))
        })?;
        let mut file = tempfile::Builder::new()
            .prefix(".notice-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|err| io(format!("cannot write in {}: {err}", dir.display())))?;
        in_progress().insert(file.path().to_path_buf());
        std::io::Write::write_all(&mut file, bytes)
            .and_then(|()| output_permissions(file.as_file(), path))
            .and_then(|()| file.as_file().sync_all())
            .map_err(|err| io(format!("cannot write {}: {err}", path.display())))?;
        staged.push((file, *path));
    }
    let result = staged.into_iter().try_for_each(|(file, path)| {
        let temp = file.path().to_path_buf();
        let persisted = file.persist(path);
        in_progress().remove(&temp);
        persisted
            .map(|_| ())
            .map_err(|err| io(format!("cannot replace {}: {}", path.display(), err.error)))
    });
    // Temporary files not renamed are deleted when dropped.
    in_progress().clear();
    result
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
