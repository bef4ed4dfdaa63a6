//! One build: plan → model → (text, Typst layout → PDF) → files on disk.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Failed, SourceMap};
use crate::document::{self, BuildInputs};
use crate::fonts::FontSet;
use crate::model::Document;
use crate::plan;
use crate::template::Template;
use crate::{render, text};

/// What a process shares between the documents it builds.
pub struct Engine {
    pub fonts: FontSet,
    pub template: Template,
}

/// The outputs of one document, in memory.
pub struct Rendered {
    pub document: Document,
    pub text: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// The result of a build, successful or not, with its diagnostics and the
/// sources they point into.
pub struct Outcome {
    pub plan: PathBuf,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub result: Result<Vec<PathBuf>, ()>,
    pub pages: usize,
}

impl Engine {
    /// Builds a plan into memory, without writing anything.
    pub fn render(
        &self,
        plan_path: &Path,
        inputs: &BuildInputs,
        sources: &mut SourceMap,
    ) -> Result<(Rendered, Vec<Diagnostic>), Failed> {
        let loaded = plan::load(plan_path, sources)?;
        let built = document::build(&loaded, inputs, sources)?;
        let mut warnings = built.warnings;
        let text = text::render(&built.document);
        let (layout, layout_warnings) = render::layout(
            &built.document,
            built.seal.as_ref(),
            &self.fonts,
            &self.template,
            sources,
        )?;
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
            },
            warnings,
        ))
    }

    /// Builds a plan and writes `NAME.pdf` and `NAME.txt` beside it (or into
    /// `out_dir`). Files are replaced only when the whole build succeeded.
    pub fn build(&self, plan_path: &Path, out_dir: Option<&Path>, inputs: &BuildInputs) -> Outcome {
        let mut sources = SourceMap::new();
        let mut outcome = Outcome {
            plan: plan_path.to_path_buf(),
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            result: Err(()),
            pages: 0,
        };
        match self.render(plan_path, inputs, &mut sources) {
            Ok((rendered, warnings)) => {
                outcome.diagnostics = warnings;
                outcome.pages = rendered.pages;
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
                let pdf_path = dir.join(&stem).with_extension("pdf");
                let txt_path = dir.join(&stem).with_extension("txt");
                let written = write_outputs(&[
                    (&pdf_path, &rendered.pdf),
                    (&txt_path, rendered.text.as_bytes()),
                ]);
                match written {
                    Ok(()) => outcome.result = Ok(vec![pdf_path, txt_path]),
                    Err(d) => outcome.diagnostics.push(d),
                }
            }
            Err(Failed(diagnostics)) => outcome.diagnostics = diagnostics,
        }
        outcome.sources = sources;
        outcome
    }
}

/// Writes every output to a temporary file beside its target first and
/// renames them into place only when all were written, so a failure never
/// leaves a truncated or half-updated pair.
pub fn write_outputs(outputs: &[(&Path, &[u8])]) -> Result<(), Diagnostic> {
    let mut staged = Vec::new();
    for (path, bytes) in outputs {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|err| {
            Diagnostic::error(
                "io",
                format!("cannot create output folder {}: {err}", dir.display()),
            )
        })?;
        let mut file = tempfile::Builder::new()
            .prefix(".notice-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|err| {
                Diagnostic::error("io", format!("cannot write in {}: {err}", dir.display()))
            })?;
        std::io::Write::write_all(&mut file, bytes)
            .and_then(|()| output_permissions(file.as_file(), path))
            .and_then(|()| file.as_file().sync_all())
            .map_err(|err| {
                Diagnostic::error("io", format!("cannot write {}: {err}", path.display()))
            })?;
        staged.push((file, *path));
    }
    for (file, path) in staged {
        file.persist(path).map_err(|err| {
            Diagnostic::error(
                "io",
                format!("cannot replace {}: {}", path.display(), err.error),
            )
        })?;
    }
    Ok(())
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
