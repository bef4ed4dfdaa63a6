//! `NAME.typst/`: the template's files, the document data as JSON, the
//! geometry and the seals, so the same layout can be compiled (and debugged)
//! with plain typst:
//!
//! ```sh
//! typst compile --font-path fonts --ignore-system-fonts \
//!     --input notice-json=data.json --input notice-geometry=geometry.json \
//!     NAME.typst/main.typ
//! ```

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::{Diagnostic, Failed};
use crate::typeset::data::TemplateData;

pub struct Typ;

impl Writer for Typ {
    fn needs_pages(&self) -> bool {
        false
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        _settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        let dir = names.dir.join(format!("{}.typst", names.stem));
        let template_files = rendered.template.files().map_err(|err| {
            Failed::from(Diagnostic::error(
                "typ",
                format!("cannot read the template: {err:#}"),
            ))
        })?;
        let mut files: Vec<OutputFile> = template_files
            .into_iter()
            .map(|(path, bytes)| (dir.join(path), bytes))
            .collect();
        let input = TemplateData::new(rendered.document, rendered.fonts, "seal").input(true);
        files.extend(
            input
                .files
                .into_iter()
                .map(|(file, bytes)| (dir.join(file), bytes)),
        );
        files.push((dir.join("geometry.json"), input.geometry));
        files.push((dir.join("data.json"), input.data));
        Ok(files)
    }
}
