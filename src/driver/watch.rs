//! Building a document again on every change of the plan, a file it names
//! or the template; the last good outputs stay when a build fails.
//!
//! One watcher lives for the whole session, so a change saved while a build
//! runs waits in the channel and triggers the next build. Folders are
//! watched rather than files: editors save by writing a new file and
//! renaming it, and a file the plan names may not exist yet or may vanish
//! and come back. After each build the watched folders are exactly those
//! of the files the document names. What happens is handed to a callback,
//! so a preview server can reuse this as the command line does.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::{Engine, Job, Options, Outcome, batch};
use crate::files::parent_dir;

/// How long to wait for more events after the first, so an editor's save
/// (write, rename, touch) triggers one rebuild.
const SETTLE: Duration = Duration::from_millis(10);

/// What the watch loop tells its caller.
pub enum Event<'a> {
    /// A build finished.
    Built(&'a Outcome),
    /// These files changed; a build starts.
    Changed(&'a [PathBuf]),
}

/// Builds `job`, then rebuilds it on every change until `on_event` breaks
/// the loop or watching fails.
pub fn watch(
    engine: &Engine,
    job: &Job,
    options: &Options,
    template_dir: Option<&Path>,
    on_event: impl FnMut(Event) -> ControlFlow<()>,
) -> notify::Result<()> {
    let options = Options {
        force: true,
        ..options.clone()
    };
    watch_with(
        job,
        template_dir,
        || batch::run_one(engine, job, &options),
        on_event,
    )
}

/// Runs `run` (a build of `job`, on disk or in memory), then again on
/// every change of a file the last run's outcome names, until `on_event`
/// breaks the loop or watching fails.
pub fn watch_with(
    job: &Job,
    template_dir: Option<&Path>,
    mut run: impl FnMut() -> Outcome,
    mut on_event: impl FnMut(Event) -> ControlFlow<()>,
) -> notify::Result<()> {
    let (tx, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })?;
    let template = template_dir.map(absolute);
    if let Some(dir) = &template {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    let plan = absolute(&job.plan);
    let mut folders = BTreeSet::new();
    follow(
        &mut watcher,
        &mut folders,
        [plan.clone()].into_iter().collect(),
    )?;
    loop {
        let outcome = run();
        if on_event(Event::Built(&outcome)).is_break() {
            return Ok(());
        }
        let mut files: BTreeSet<PathBuf> = outcome.inputs.iter().map(|p| absolute(p)).collect();
        files.insert(plan.clone());
        let missing: Vec<PathBuf> = files.iter().filter(|f| !f.exists()).cloned().collect();
        follow(&mut watcher, &mut folders, files.clone())?;
        // A missing file that appeared before its folder was watched.
        let appeared: Vec<PathBuf> = missing.into_iter().filter(|f| f.exists()).collect();
        let changed = if appeared.is_empty() {
            wait_for_change(&events, &files, template.as_deref())?
        } else {
            appeared
        };
        if on_event(Event::Changed(&changed)).is_break() {
            return Ok(());
        }
    }
}

/// Watches exactly the folders of `files` (the nearest existing folder of a
/// file whose own folder does not exist yet).
fn follow(
    watcher: &mut impl Watcher,
    folders: &mut BTreeSet<PathBuf>,
    files: BTreeSet<PathBuf>,
) -> notify::Result<()> {
    let wanted: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|file| {
            let mut folder = parent_dir(file);
            while !folder.is_dir() {
                folder = folder.parent()?.to_path_buf();
            }
            Some(folder)
        })
        .collect();
    for gone in folders.difference(&wanted) {
        let _ = watcher.unwatch(gone);
    }
    for new in wanted.difference(folders) {
        watcher.watch(new, RecursiveMode::NonRecursive)?;
    }
    *folders = wanted;
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Blocks until an event says one of `files` (or anything in the template
/// folder) was written, created, renamed or removed, and returns what
/// changed; events that arrived during the last build count too.
fn wait_for_change(
    events: &mpsc::Receiver<notify::Result<notify::Event>>,
    files: &BTreeSet<PathBuf>,
    template: Option<&Path>,
) -> notify::Result<Vec<PathBuf>> {
    let relevant = |event: &notify::Event| -> Vec<PathBuf> {
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return Vec::new();
        }
        // A named file, anything in the template, or a folder on the way
        // to a named file whose folder did not exist.
        event
            .paths
            .iter()
            .map(|p| absolute(p))
            .filter(|p| {
                files.contains(p)
                    || template.is_some_and(|t| p.starts_with(t))
                    || files
                        .iter()
                        .any(|f| f.starts_with(p) && !parent_dir(f).is_dir())
                    || files
                        .iter()
                        .any(|f| f.starts_with(p) && parent_dir(f) == *p)
            })
            .collect()
    };
    let mut changed = loop {
        let event = events
            .recv()
            .map_err(|_| notify::Error::generic("the watcher stopped"))??;
        let changed = relevant(&event);
        if !changed.is_empty() {
            break changed;
        }
    };
    // Let the rest of a save arrive.
    while let Ok(event) = events.recv_timeout(SETTLE) {
        if let Ok(event) = event {
            changed.extend(relevant(&event));
        }
    }
    changed.sort();
    changed.dedup();
    Ok(changed)
}
