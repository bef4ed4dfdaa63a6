//! Only what changed: each output folder keeps `.notice-cache.json`, the
//! fingerprint of the inputs each set of outputs was built from. A build
//! whose fingerprint matches, with its outputs still there, is skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::output;

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
}

/// Serialises read-modify-write of cache files between a batch's threads.
static LOCK: Mutex<()> = Mutex::new(());

fn read(dir: &Path) -> Record {
    std::fs::read(dir.join(FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The outputs of `stem` in `dir` (and their page count) when they were
/// built from `fingerprint` and all still exist.
pub fn unchanged(dir: &Path, stem: &str, fingerprint: u128) -> Option<(Vec<PathBuf>, usize)> {
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let record = read(dir);
    let entry = record.builds.get(stem)?;
    if entry.fingerprint != format!("{fingerprint:032x}") || entry.outputs.is_empty() {
        return None;
    }
    let outputs: Vec<PathBuf> = entry.outputs.iter().map(|name| dir.join(name)).collect();
    outputs
        .iter()
        .all(|p| p.exists())
        .then_some((outputs, entry.pages))
}

/// Remembers what `stem`'s outputs in `dir` were built from. A cache that
/// cannot be written only costs a rebuild next time.
pub fn record(dir: &Path, stem: &str, fingerprint: u128, outputs: &[PathBuf], pages: usize) {
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
        },
    );
    if let Ok(json) = serde_json::to_vec_pretty(&record) {
        let _ = output::write_all(&[(dir.join(FILE), json)]);
    }
}
