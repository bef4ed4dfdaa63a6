//! `notice import`: a draft into a plan and its files, with notes on what
//! was repaired or guessed.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::EXIT_INPUT;
use crate::diagnostic::SourceMap;
use crate::output;

#[derive(Args)]
pub struct ImportArgs {
    /// The draft: .txt (UTF-8 or GB18030), .md (Markdown without front matter) or .docx.
    draft: PathBuf,
    /// Folder to write plan.toml and its files to (default: a folder named after the draft, beside it).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace files that are already there.
    #[arg(long)]
    force: bool,
}

pub fn run(args: ImportArgs) -> ExitCode {
    let mut sources = SourceMap::new();
    let imported = match crate::import::import(&args.draft, &mut sources) {
        Ok(imported) => imported,
        Err(failed) => {
            for d in &failed.0 {
                eprint!("{}", d.render(&sources, false));
            }
            return ExitCode::from(EXIT_INPUT);
        }
    };
    for note in &imported.notes {
        eprint!("{}", note.render(&sources, false));
    }
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| crate::import::default_dir(&args.draft));
    let files: Vec<(PathBuf, Vec<u8>)> = imported
        .files()
        .into_iter()
        .map(|(name, bytes)| (dir.join(name), bytes))
        .collect();
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !existing.is_empty() && !args.force {
        eprintln!(
            "error: {} already exist(s); nothing was written\n  = hint: pass --force to replace them, or choose another folder with --out DIR",
            existing.join(", ")
        );
        return ExitCode::from(EXIT_INPUT);
    }
    if let Err(failed) = output::write_all(&files) {
        eprintln!("error: {failed}");
        return ExitCode::from(EXIT_INPUT);
    }
    let plan = &files[0].0;
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    eprintln!(
        "wrote {} ({} note(s) to review); build it with: notice build {}",
        names.join(", "),
        imported.notes.len(),
        plan.display()
    );
    ExitCode::SUCCESS
}
