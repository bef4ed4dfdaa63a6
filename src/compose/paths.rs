//! Files a plan refers to (`body_file`, `csv`, `seal`): resolved against the
//! plan's folder, kept inside the allowed root (the path jail), and read
//! within their limits.

use std::path::{Component, Path, PathBuf};

use toml::Spanned;

use super::{Composer, Input};
use crate::diagnostic::{Diagnostic, Failed, FileId};
use crate::files;
use crate::plan::LoadedPlan;

/// The allowed root and the plan's folder, both canonical.
pub(super) fn roots(
    loaded: &LoadedPlan,
    root: Option<&Path>,
) -> Result<(PathBuf, PathBuf), Failed> {
    let plan_dir = loaded.dir();
    let canonical_dir = plan_dir.canonicalize().unwrap_or_else(|_| plan_dir.clone());
    let root = match root {
        Some(root) => root.canonicalize().map_err(|err| {
            Diagnostic::error(
                "root",
                format!("cannot open --root {}: {err}", root.display()),
            )
        })?,
        None => canonical_dir.clone(),
    };
    Ok((root, canonical_dir))
}

enum PathProblem {
    Missing(PathBuf),
    Escapes,
}

impl Composer<'_> {
    /// Resolves a path of the plan inside the allowed root and checks it
    /// exists.
    pub(super) fn path(&mut self, value: &Spanned<String>, key: &str) -> Option<PathBuf> {
        let place = self.plan_place(value);
        match resolve(&self.plan_dir, &self.root, value.get_ref()) {
            Ok(path) => {
                self.referenced.push(path.clone());
                Some(path)
            }
            Err(PathProblem::Missing(path)) => {
                self.referenced.push(path.clone());
                self.errors.push(
                    Diagnostic::error(
                        "missing-file",
                        format!("`{key}` file not found: {}", path.display()),
                    )
                    .at_place(Some(place))
                    .label("no such file")
                    .hint(format!(
                        "paths are relative to the plan's folder ({}); check the spelling",
                        self.loaded.dir().display()
                    )),
                );
                None
            }
            Err(PathProblem::Escapes) => {
                self.errors.push(
                    Diagnostic::error("path-escape", format!("`{key}` points outside the plan's folder"))
                        .at_place(Some(place))
                        .label("leaves the allowed folder")
                        .hint("keep files beside the plan (no `..`, no absolute paths, no symlinks out), or widen the allowed folder with --root DIR"),
                );
                None
            }
        }
    }

    /// How a path of the plan is shown in messages: as the plan spells it,
    /// relative to the plan's folder.
    pub(super) fn shown(&self, rel: &str) -> PathBuf {
        match self.loaded.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(rel),
            _ => PathBuf::from(rel),
        }
    }

    /// Reads the file `value` names, at most `limit` bytes; an unreadable
    /// or oversized file is an error at the key.
    pub(super) fn read(
        &mut self,
        value: &Spanned<String>,
        key: &str,
        limit: u64,
    ) -> Option<(PathBuf, Vec<u8>)> {
        let path = self.path(value, key)?;
        match files::read_input(&path, limit) {
            Ok(bytes) => {
                self.inputs.push(Input {
                    path: path.clone(),
                    hash: typst::utils::hash128(&bytes),
                });
                Some((path, bytes))
            }
            Err(err) => {
                self.errors.push(
                    Diagnostic::error(
                        "io",
                        format!("cannot read `{key}` {}: {err}", value.get_ref()),
                    )
                    .at_place(Some(self.plan_place(value)))
                    .label("cannot be read")
                    .hint(if err.to_string().contains("larger than") {
                        "split the file, or shorten it".to_string()
                    } else {
                        "name a regular file beside the plan".to_string()
                    }),
                );
                None
            }
        }
    }

    /// Reads a UTF-8 text file the plan names into the source map.
    pub(super) fn read_text(
        &mut self,
        value: &Spanned<String>,
        key: &str,
        limit: u64,
    ) -> Option<FileId> {
        let (_, bytes) = self.read(value, key, limit)?;
        let shown = self.shown(value.get_ref());
        match files::decode_utf8(&shown, bytes, self.sources) {
            Ok(text) => Some(self.sources.add(&shown, text)),
            Err(failed) => {
                self.errors.extend(failed.0);
                None
            }
        }
    }
}

/// Resolves `rel` against the plan's folder, refusing anything that ends up
/// outside `root` (absolute paths, `..`, symlinks pointing out).
fn resolve(plan_dir: &Path, root: &Path, rel: &str) -> Result<PathBuf, PathProblem> {
    let given = Path::new(rel);
    let joined = plan_dir.join(given);
    let widened = root != plan_dir;
    if given.is_absolute() && !widened {
        return Err(PathProblem::Escapes);
    }
    // Refuse a lexical escape before touching the file system.
    if !normalize(&joined).starts_with(root) {
        return Err(PathProblem::Escapes);
    }
    let real = joined
        .canonicalize()
        .map_err(|_| PathProblem::Missing(joined.clone()))?;
    if !real.starts_with(root) {
        return Err(PathProblem::Escapes);
    }
    if real.is_dir() {
        return Err(PathProblem::Missing(joined));
    }
    Ok(real)
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
