//! `NAME-N.png`, one per page, by typst-render.

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::{Diagnostic, Failed};
use crate::limits;

pub struct Png;

impl Writer for Png {
    fn needs_pages(&self) -> bool {
        true
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        let scale = f64::from(settings.ppi) / 72.0;
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(scale),
            render_bleed: false,
        };
        let pages = rendered.pages()?.pages();
        let mut files = Vec::new();
        for n in settings.selected(pages.len())? {
            let page = &pages[n - 1];
            let size = page.frame.size();
            let pixels = size.x.to_pt() * scale * size.y.to_pt() * scale;
            if pixels > limits::PNG_PAGE_PIXELS {
                return Err(Failed::from(
                    Diagnostic::error(
                        "ppi",
                        format!(
                            "page {n} would be {:.0} million pixels at {} ppi",
                            pixels / 1e6,
                            settings.ppi
                        ),
                    )
                    .hint("lower --ppi"),
                ));
            }
            let png = typst_render::render(page, &options)
                .encode_png()
                .map_err(|err| {
                    Failed::from(Diagnostic::error(
                        "png",
                        format!("cannot encode page {n} as PNG: {err}"),
                    ))
                })?;
            files.push((names.page(n, "png"), png));
        }
        Ok(files)
    }
}
