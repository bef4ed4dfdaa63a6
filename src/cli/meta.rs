//! Commands about notice itself: shell completions, the manual page and
//! JSON Schemas.

use std::process::ExitCode;

use clap::{Args, CommandFactory};

use super::{Cli, EXIT_INPUT, print_out};

#[derive(Args)]
pub struct SchemaArgs {
    /// The schema of the data a template receives (data.json), not of plans.
    #[arg(long)]
    template_data: bool,
}

pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "notice", &mut out);
    print_out(&out)
}

pub fn man() -> ExitCode {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => print_out(&out),
        Err(_) => ExitCode::from(EXIT_INPUT),
    }
}

pub fn schema(args: SchemaArgs) -> ExitCode {
    let schema = if args.template_data {
        crate::typeset::data::schema()
    } else {
        crate::plan::schema::plan_schema()
    };
    let mut bytes = serde_json::to_vec_pretty(&schema).expect("the schema serializes");
    bytes.push(b'\n');
    print_out(&bytes)
}
