//! Typst templates: the embedded ones and a user's own folder.
//!
//! A template is a folder whose `main.typ` lays out the document from the
//! JSON file `/.notice/data.json` (see `world.rs`). The embedded templates live in `templates/` of the
//! source tree and are compiled into the binary; `--template DIR` points at a
//! folder of the same shape (start from `notice template export`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use include_dir::{Dir, include_dir};
use typst::diag::{FileError, FileResult};
use typst::foundations::Bytes;
use typst::syntax::VirtualPath;

use super::markers;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The template used when none is named.
pub const DEFAULT_TEMPLATE: &str = "gongwen";

/// The entry file of every template.
const MAIN_FILE: &str = "main.typ";

pub struct Template {
    name: String,
    source: TemplateSource,
}

enum TemplateSource {
    Embedded(&'static Dir<'static>),
    /// A canonical folder on disk.
    Folder(PathBuf),
}

impl Template {
    /// Finds a template by embedded name or folder path.
    pub fn load(name_or_dir: &str) -> anyhow::Result<Template> {
        if let Some(dir) = EMBEDDED.get_dir(name_or_dir) {
            return Template {
                name: name_or_dir.to_string(),
                source: TemplateSource::Embedded(dir),
            }
            .keeping_the_contract();
        }
        let path = Path::new(name_or_dir);
        if !path.is_dir() {
            bail!(
                "no template named '{name_or_dir}': it is neither an embedded template ({}) nor a folder",
                Template::embedded_names().join(", ")
            );
        }
        let folder = path
            .canonicalize()
            .with_context(|| format!("cannot open template folder {}", path.display()))?;
        if !folder.join(MAIN_FILE).is_file() {
            bail!(
                "template folder {} has no {MAIN_FILE}; export one to start from with \
                 `notice template export {DEFAULT_TEMPLATE} DIR`",
                path.display()
            );
        }
        Template {
            name: path.display().to_string(),
            source: TemplateSource::Folder(folder),
        }
        .keeping_the_contract()
    }

    /// The template, if its Typst sources place every marker notice reads
    /// ([`markers::CONTRACT`]); else an error that names the missing ones.
    fn keeping_the_contract(self) -> anyhow::Result<Template> {
        let files = self.files()?;
        let sources: Vec<&str> = files
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "typ"))
            .filter_map(|(_, bytes)| std::str::from_utf8(bytes).ok())
            .collect();
        let missing = markers::missing(sources.iter().copied());
        if missing.is_empty() {
            return Ok(self);
        }
        let list: Vec<String> = missing
            .iter()
            .map(|t| format!("  `{}` ({}; read by {})", t.name, t.placed, t.read_by))
            .collect();
        bail!(
            "template {} does not place {} of the markers notice reads from its pages \
             (`#metadata(\"NAME\")<{}>`):\n{}\nsee where `notice template export {DEFAULT_TEMPLATE} DIR` places them",
            self.name,
            missing.len(),
            markers::LABEL,
            list.join("\n")
        )
    }

    /// Names of the templates compiled into the binary.
    pub fn embedded_names() -> Vec<&'static str> {
        EMBEDDED
            .dirs()
            .filter_map(|dir| dir.path().to_str())
            .collect()
    }

    /// A hash of every file of the template, for build fingerprints.
    pub fn fingerprint(&self) -> u128 {
        typst::utils::hash128(&self.files().unwrap_or_default())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path of the entry file inside the template.
    pub fn main_file(&self) -> &'static str {
        MAIN_FILE
    }

    /// Reads a file of the template. Paths cannot leave the template's folder:
    /// `..` is resolved lexically by Typst and symlinks are checked here.
    pub fn read(&self, vpath: &VirtualPath) -> FileResult<Bytes> {
        let rel = vpath.get_without_slash();
        match &self.source {
            TemplateSource::Embedded(dir) => {
                let full = dir.path().join(rel);
                EMBEDDED
                    .get_file(&full)
                    .map(|file| Bytes::new(file.contents()))
                    .ok_or_else(|| FileError::NotFound(PathBuf::from(rel)))
            }
            TemplateSource::Folder(root) => {
                let path = vpath.realize(root).map_err(FileError::Realize)?;
                let real = path
                    .canonicalize()
                    .map_err(|err| FileError::from_io(err, &path))?;
                if !real.starts_with(root) {
                    return Err(FileError::AccessDenied);
                }
                if real.is_dir() {
                    return Err(FileError::IsDirectory);
                }
                std::fs::read(&real)
                    .map(Bytes::new)
                    .map_err(|err| FileError::from_io(err, &path))
            }
        }
    }

    /// Every file of the template with its path relative to the template
    /// folder, for exporting a copy to customise.
    pub fn files(&self) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut out = Vec::new();
        match &self.source {
            TemplateSource::Embedded(dir) => collect_embedded(dir, dir.path(), &mut out),
            TemplateSource::Folder(root) => collect_folder(root, root, &mut out)?,
        }
        out.sort();
        Ok(out)
    }
}

fn collect_embedded(dir: &Dir<'static>, base: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for file in dir.files() {
        let rel = file.path().strip_prefix(base).unwrap_or(file.path());
        out.push((rel.to_path_buf(), file.contents().to_vec()));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, base, out);
    }
}

fn collect_folder(
    dir: &Path,
    base: &Path,
    out: &mut Vec<(PathBuf, Vec<u8>)>,
) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_folder(&path, base, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
            out.push((rel, std::fs::read(&path)?));
        }
    }
    Ok(())
}
