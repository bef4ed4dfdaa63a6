//! notice: compile Chinese official documents (公文) to GB/T 9704-2012 PDF
//! and plain text.
//!
//! Data flows one way, plan → model → pages → files (see ARCHITECTURE.md):
//! [`plan`] reads and type-checks a plan; [`compose`] turns it into the
//! [`model`]; [`lint`] checks the model against the standard; [`typeset`]
//! lays it out with Typst; [`writers`] turn it into PDF, text and images;
//! [`driver`] runs documents (one, a batch, a watch) and writes outputs all
//! or none; [`cli`] is the command line. [`gbt9704`] holds the standard's
//! vocabulary and numbers, [`limits`] the bounds on every input, [`files`]
//! reads inputs safely, and [`diagnostic`] reports problems with their
//! places.

pub mod cli;
pub mod compose;
pub mod diagnostic;
pub mod driver;
pub mod files;
pub mod gbt9704;
pub mod import;
pub mod limits;
pub mod lint;
pub mod model;
pub mod output;
pub mod plan;
pub mod serve;
pub mod typeset;
pub mod writers;
