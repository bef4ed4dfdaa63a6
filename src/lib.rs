//! notice: compile Chinese official documents (公文) to GB/T 9704-2012 PDF
//! and plain text.
//!
//! Data flows plan → document model → renderers → outputs:
//! [`plan`] reads and type-checks a plan, [`document`] turns it into the
//! [`model`] (with [`markdown`], [`numbering`], [`title`]), [`lint`] checks
//! it against GB/T 9704 and common practice, [`text`] and [`render`]
//! (through [`world`], [`template`], [`fonts`]) produce the outputs,
//! [`pipeline`] writes them, and [`cli`] drives it all.

pub mod batch;
pub mod cache;
pub mod cli;
pub mod diagnostic;
pub mod document;
pub mod export;
pub mod fonts;
pub mod lint;
pub mod markdown;
pub mod model;
pub mod numbering;
pub mod pipeline;
pub mod plan;
pub mod render;
pub mod schema;
pub mod template;
pub mod text;
pub mod title;
pub mod watch;
pub mod world;
