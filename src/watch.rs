//! `notice watch`: rebuild when the plan, a file it uses or the template
//! changes, keeping the last good outputs when a build fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::batch::Reporter;
use crate::pipeline::{Engine, Job, Options, parent_dir};

/// How long to wait for more events after the first, so an editor's save
/// (write, rename, touch) triggers one rebuild.
const SETTLE: Duration = Duration::from_millis(10);

/// Builds `job`, then rebuilds it on every change until interrupted.
///
/// One watcher lives for the whole session, so a change saved while a build
/// runs waits in the channel and triggers the next build instead of being
/// lost between two watchers.
pub fn watch(
    engine: &Engine,
    job: &Job,
    options: &Options,
    reporter: &Reporter,
    template_dir: Option<&Path>,
) -> anyhow::Result<()> {
    let options = Options {
        force: true,
        ..options.clone()
    };
    let (tx, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })?;
    let template = template_dir.map(absolute);
    if let Some(dir) = &template {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    let plan = absolute(&job.plan);
    // Folders, not files: editors often save by writing a new file and
    // renaming it over the old one. The plan's folder is watched before the
    // first build starts.
    let mut folders = BTreeSet::new();
    watch_folder(&mut watcher, &mut folders, parent_dir(&plan))?;
    loop {
        let outcome = engine.build(job, &options);
        reporter.outcome(&outcome);
        let mut files: BTreeSet<PathBuf> = outcome.inputs.iter().map(|p| absolute(p)).collect();
        files.insert(plan.clone());
        for file in &files {
            watch_folder(&mut watcher, &mut folders, parent_dir(file))?;
        }
        wait_for_change(&events, &files, template.as_deref())?;
        eprintln!("change detected, rebuilding {}", job.label);
    }
}

fn watch_folder(
    watcher: &mut impl Watcher,
    folders: &mut BTreeSet<PathBuf>,
    folder: PathBuf,
) -> notify::Result<()> {
    if !folders.contains(&folder) {
        watcher.watch(&folder, RecursiveMode::NonRecursive)?;
        folders.insert(folder);
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Blocks until an event says one of `files` (or anything in the template
/// folder) was written, created, renamed or removed; events that arrived
/// during the last build count too.
fn wait_for_change(
    events: &mpsc::Receiver<notify::Result<notify::Event>>,
    files: &BTreeSet<PathBuf>,
    template: Option<&Path>,
) -> anyhow::Result<()> {
    let relevant = |event: &notify::Event| {
        !matches!(event.kind, notify::EventKind::Access(_))
            && event.paths.iter().any(|p| {
                let p = absolute(p);
                files.contains(&p) || template.is_some_and(|t| p.starts_with(t))
            })
    };
    loop {
        match events.recv()? {
            Ok(event) if relevant(&event) => break,
            Ok(_) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    // Let the rest of a save arrive.
    while events.recv_timeout(SETTLE).is_ok() {}
    Ok(())
}
