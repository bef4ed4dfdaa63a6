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
    loop {
        let outcome = engine.build(job, &options);
        reporter.outcome(&outcome);
        let mut files: BTreeSet<PathBuf> = outcome.inputs.iter().map(|p| absolute(p)).collect();
        files.insert(absolute(&job.plan));
        wait_for_change(&files, template_dir)?;
        eprintln!("change detected, rebuilding {}", job.label);
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Blocks until one of `files` (or anything in the template folder) is
/// written, created, renamed or removed.
fn wait_for_change(files: &BTreeSet<PathBuf>, template_dir: Option<&Path>) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })?;
    // Folders, not files: editors often save by writing a new file and
    // renaming it over the old one.
    let folders: BTreeSet<PathBuf> = files.iter().map(|f| parent_dir(f)).collect();
    for folder in &folders {
        watcher.watch(folder, RecursiveMode::NonRecursive)?;
    }
    let template = template_dir.map(absolute);
    if let Some(dir) = &template {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    let relevant = |event: &notify::Event| {
        !matches!(event.kind, notify::EventKind::Access(_))
            && event.paths.iter().any(|p| {
                let p = absolute(p);
                files.contains(&p) || template.as_ref().is_some_and(|t| p.starts_with(t))
            })
    };
    loop {
        match rx.recv()? {
            Ok(event) if relevant(&event) => break,
            Ok(_) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    // Let the rest of a save arrive.
    while rx.recv_timeout(SETTLE).is_ok() {}
    Ok(())
}
