//! Only what changed: each output folder keeps `.notice-cache.json`, the
//! fingerprint of the inputs each set of outputs was built from. A build
//! whose fingerprint matches, with its outputs still there, is skipped.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::output;

const FILE: &str = ".notice-cache.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    /// Output stem → what it was built from.
    builds: BTreeMap<String, Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    /// Output file names, relative to the folder.
    outputs: Vec<String>,
    pages: usize,
    /// What the layout's audit found, replayed on a skip so that an
    /// unchanged build still reports it and `--strict` still fails it.
    #[serde(default)]
    findings: Vec<Finding>,
}

/// A place-less finding of the layout, as stored.
#[derive(Debug, Serialize, Deserialize)]
struct Finding {
    warning: bool,
    code: String,
    message: String,
    hints: Vec<String>,
}

impl Finding {
    fn from(d: &Diagnostic) -> Option<Finding> {
        d.place.is_none().then(|| Finding {
            warning: d.severity != Severity::Note,
            code: d.code.to_string(),
            message: d.message.clone(),
            hints: d.hints.clone(),
        })
    }

    fn into_diagnostic(self) -> Diagnostic {
        let mut d = if self.warning {
            Diagnostic::warning("", self.message)
        } else {
            Diagnostic::note("", self.message)
        };
        d.code = Cow::Owned(self.code);
        d.hints = self.hints;
        d
    }
}

/// What a skipped build reports: its outputs, page count and the layout's
/// findings.
pub struct Unchanged {
    pub outputs: Vec<PathBuf>,
    pub pages: usize,
    pub findings: Vec<Diagnostic>,
}

/// Serialises read-modify-write of cache files between a batch's threads.
static LOCK: Mutex<()> = Mutex::new(());

fn read(dir: &Path) -> Record {
    std::fs::read(dir.join(FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The outputs of `stem` in `dir` when they were built from `fingerprint`
/// and all still exist.
pub fn unchanged(dir: &Path, stem: &str, fingerprint: u128) -> Option<Unchanged> {
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let mut record = read(dir);
    let entry = record.builds.remove(stem)?;
    if entry.fingerprint != format!("{fingerprint:032x}") || entry.outputs.is_empty() {
        return None;
    }
    let outputs: Vec<PathBuf> = entry.outputs.iter().map(|name| dir.join(name)).collect();
    outputs.iter().all(|p| p.exists()).then(|| Unchanged {
        outputs,
        pages: entry.pages,
        findings: entry
            .findings
            .into_iter()
            .map(Finding::into_diagnostic)
            .collect(),
    })
}

/// Remembers what `stem`'s outputs in `dir` were built from, and what the
/// layout found. Findings with a place in a file are not stored: such a
/// build is not recorded and is redone next time. A cache that cannot be
/// written only costs a rebuild next time.
pub fn record(
    dir: &Path,
    stem: &str,
    fingerprint: u128,
    outputs: &[PathBuf],
    pages: usize,
    layout: &[Diagnostic],
) {
    let Some(findings) = layout.iter().map(Finding::from).collect::<Option<Vec<_>>>() else {
        return;
    };
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let mut record = read(dir);
    let names = outputs
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    record.builds.insert(
        stem.to_string(),
        Entry {
            fingerprint: format!("{fingerprint:032x}"),
            outputs: names,
            pages,
            findings,
        },
    );
    if let Ok(json) = serde_json::to_vec_pretty(&record) {
        let _ = output::write_all(&[(dir.join(FILE), json)]);
    }
}
