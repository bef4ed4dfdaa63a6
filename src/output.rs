//! Writing outputs all or none.
//!
//! Every file is first written to a temporary file beside its target
//! (`.notice-PID-….tmp`). Only when all are written, and no target is a
//! folder, are they renamed into place; if a rename fails, the files
//! already replaced get their previous content back. An interrupted build
//! (Ctrl-C, SIGTERM) removes its temporary files, and a build that was
//! killed outright leaves them to the next build in the same folder, which
//! removes those whose process is gone.
//!
//! The renames of one document's files are separate steps: a crash between
//! them (power loss, SIGKILL) can leave a new PDF beside the previous TXT.
//! The build cache is written after the last rename, so the next build
//! rebuilds both.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::diagnostic::{Diagnostic, Failed};
use crate::files::parent_dir;

const PREFIX: &str = ".notice-";

fn io(message: String) -> Failed {
    Failed::from(Diagnostic::error("io", message))
}

/// Writes every output, all or none (see the module's documentation).
pub fn write_all(outputs: &[(PathBuf, Vec<u8>)]) -> Result<(), Failed> {
    for (path, _) in outputs {
        if path.is_dir() {
            return Err(Failed::from(
                Diagnostic::error(
                    "io",
                    format!(
                        "cannot write {}: a folder of that name is in the way; no output was changed",
                        path.display()
                    ),
                )
                .hint("move or rename the folder, or write elsewhere with --out DIR"),
            ));
        }
    }
    let mut staged = Vec::new();
    for (path, bytes) in outputs {
        let dir = parent_dir(path);
        std::fs::create_dir_all(&dir).map_err(|err| {
            io(format!(
                "cannot create output folder {}: {err}",
                dir.display()
            ))
        })?;
        remove_stale_once(&dir);
        let mut file = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|err| io(format!("cannot write in {}: {err}", dir.display())))?;
        in_progress().insert(file.path().to_path_buf());
        // No fsync: the rename makes the replacement atomic for the process,
        // which is what protects outputs from failed and interrupted builds.
        std::io::Write::write_all(&mut file, bytes)
            .and_then(|()| output_permissions(file.as_file(), path))
            .map_err(|err| io(format!("cannot write {}: {err}", path.display())))?;
        staged.push((file.into_temp_path(), path.as_path()));
    }
    replace_all(staged)
}

/// Renames the staged files over their targets; on a failure, restores the
/// targets already replaced.
fn replace_all(staged: Vec<(tempfile::TempPath, &Path)>) -> Result<(), Failed> {
    // (target, backup of its previous content, if it had one)
    let mut done: Vec<(&Path, Option<PathBuf>)> = Vec::new();
    let mut failure = None;
    for (temp, target) in staged {
        let temp_path = temp.to_path_buf();
        let backup = if target.exists() {
            let backup = temp_path.with_extension("bak");
            let saved = std::fs::hard_link(target, &backup)
                .or_else(|_| std::fs::copy(target, &backup).map(drop));
            if let Err(err) = saved {
                failure = Some(format!("cannot replace {}: {err}", target.display()));
                in_progress().remove(&temp_path);
                break;
            }
            in_progress().insert(backup.clone());
            Some(backup)
        } else {
            None
        };
        let persisted = temp.persist(target);
        in_progress().remove(&temp_path);
        match persisted {
            Ok(()) => done.push((target, backup)),
            Err(err) => {
                if let Some(backup) = backup {
                    let _ = std::fs::remove_file(&backup);
                    in_progress().remove(&backup);
                }
                failure = Some(format!(
                    "cannot replace {}: {}",
                    target.display(),
                    err.error
                ));
                break;
            }
        }
    }
    for (target, backup) in &done {
        if let Some(backup) = backup {
            if failure.is_some() {
                let _ = std::fs::rename(backup, target);
            } else {
                let _ = std::fs::remove_file(backup);
            }
            in_progress().remove(backup);
        } else if failure.is_some() {
            let _ = std::fs::remove_file(target);
        }
    }
    match failure {
        Some(message) => Err(io(format!("{message}; no output was changed"))),
        None => Ok(()),
    }
}

/// Removes stale temporary files from `dir`, once per process.
fn remove_stale_once(dir: &Path) {
    static CLEANED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    let first = CLEANED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(dir.to_path_buf());
    if first {
        remove_stale(dir);
    }
}

/// Removes temporary files that builds killed outright left in `dir`.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        if !(rest.ends_with(".tmp") || rest.ends_with(".bak")) {
            continue;
        }
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_none_or(|pid| !process_alive(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process is running (a build that may still be writing).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Signal 0 checks that the process exists without touching it.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        alive || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_in_the_way_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("plan.pdf");
        std::fs::write(&pdf, "old").unwrap();
        std::fs::create_dir(dir.path().join("plan.txt")).unwrap();
        let result = write_all(&[
            (pdf.clone(), b"new".to_vec()),
            (dir.path().join("plan.txt"), b"new".to_vec()),
        ]);
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&pdf).unwrap(), "old");
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // PID 4194304 is above Linux's maximum: no such process.
        let stale = dir.path().join(".notice-4194304-abc.tmp");
        let live = dir
            .path()
            .join(format!(".notice-{}-abc.tmp", std::process::id()));
        std::fs::write(&stale, "x").unwrap();
        std::fs::write(&live, "x").unwrap();
        write_all(&[(dir.path().join("a.txt"), b"a".to_vec())]).unwrap();
        assert!(!stale.exists());
        assert!(live.exists());
    }
}
