//! `NAME-N.svg`, one per page, by typst-svg.

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::Failed;

pub struct Svg;

impl Writer for Svg {
    fn needs_pages(&self) -> bool {
        true
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        let options = typst_svg::SvgOptions::default();
        let pages = rendered.pages()?.pages();
        Ok(settings
            .selected(pages.len())?
            .into_iter()
            .map(|n| {
                (
                    names.page(n, "svg"),
                    typst_svg::svg(&pages[n - 1], &options).into_bytes(),
                )
            })
            .collect())
    }
}
