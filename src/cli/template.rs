//! `notice template`: list the embedded templates, or export one.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{EXIT_INPUT, EXIT_USAGE, print_out};
use crate::output;
use crate::typeset::template::{DEFAULT_TEMPLATE, Template};

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// List the templates compiled into notice.
    List,
    /// Copy a template into a folder, to customise and use with --template DIR.
    Export {
        /// An embedded template's name.
        name: String,
        /// The folder to create.
        dir: PathBuf,
        /// Overwrite files already in the folder.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(command: TemplateCommand) -> ExitCode {
    match command {
        TemplateCommand::List => {
            let mut out = String::new();
            for name in Template::embedded_names() {
                let marker = if name == DEFAULT_TEMPLATE {
                    " (default)"
                } else {
                    ""
                };
                out +=
                    &format!("{name}{marker}\tGB/T 9704-2012 文件, 信函, 命令 and 纪要 formats\n");
            }
            print_out(out.as_bytes())
        }
        TemplateCommand::Export { name, dir, force } => {
            let files = match Template::load(&name).and_then(|t| t.files()) {
                Ok(files) => files,
                Err(err) => {
                    eprintln!("error: {err:#}");
                    return ExitCode::from(EXIT_USAGE);
                }
            };
            if !force && files.iter().any(|(path, _)| dir.join(path).exists()) {
                eprintln!(
                    "error: {} already holds template files; use --force to overwrite them",
                    dir.display()
                );
                return ExitCode::from(EXIT_INPUT);
            }
            let staged: Vec<(PathBuf, Vec<u8>)> =
                files.into_iter().map(|(p, b)| (dir.join(p), b)).collect();
            match output::write_all(&staged) {
                Ok(()) => {
                    eprintln!(
                        "exported {name} to {}; use it with --template {}",
                        dir.display(),
                        dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(failed) => {
                    eprintln!("error: {failed}");
                    ExitCode::from(EXIT_INPUT)
                }
            }
        }
    }
}
