//! notice: compile Chinese official documents (公文) to GB/T 9704-2012 PDF
//! and plain text.
//!
//! Data flows plan → document model → renderers → outputs:
//! `plan` reads and type-checks a plan, `document` turns it into the
//! `model` (with `markdown`, `numbering`, `title`), `text` and `render`
//! (through `world`, `template`, `fonts`) produce the outputs, `pipeline`
//! writes them, and `cli` drives it all.

mod cli;
mod diagnostic;
mod document;
mod fonts;
mod markdown;
mod model;
mod numbering;
mod pipeline;
mod plan;
mod render;
mod template;
mod text;
mod title;
mod world;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
