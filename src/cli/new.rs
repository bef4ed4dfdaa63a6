//! `notice new`: a commented starting plan.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::EXIT_INPUT;
use crate::output;

#[derive(Args)]
pub struct NewArgs {
    /// The file to write: *.toml for a plan, *.md for Markdown with front matter.
    #[arg(default_value = "plan.toml")]
    file: PathBuf,
}

pub fn run(args: NewArgs) -> ExitCode {
    let markdown = crate::plan::is_markdown(&args.file);
    let content: &str = if markdown {
        include_str!("scaffold/notice.md")
    } else {
        include_str!("scaffold/plan.toml")
    };
    if args.file.exists() {
        eprintln!(
            "error: {} already exists; choose another name",
            args.file.display()
        );
        return ExitCode::from(EXIT_INPUT);
    }
    match output::write_all(&[(args.file.clone(), content.as_bytes().to_vec())]) {
        Ok(()) => {
            eprintln!(
                "wrote {}; build it with: notice build {}",
                args.file.display(),
                args.file.display()
            );
            ExitCode::SUCCESS
        }
        Err(failed) => {
            eprintln!("error: {failed}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}
