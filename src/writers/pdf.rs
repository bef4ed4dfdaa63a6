//! `NAME.pdf`, by typst-pdf. The identifier and dates come from the plan, so
//! the same plan always gives the same bytes.

use typst::foundations::Smart;
use typst_pdf::{PdfOptions, PdfStandards};

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::{Diagnostic, Failed};

pub struct Pdf;

impl Writer for Pdf {
    fn needs_pages(&self) -> bool {
        true
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        let doc = rendered.document;
        let ident = format!(
            "{}|{}",
            doc.metadata.title,
            doc.number.as_deref().unwrap_or("")
        );
        let standards = PdfStandards::new(&settings.pdf_standards).map_err(|e| {
            Failed::from(Diagnostic::error(
                "pdf-standard",
                format!("cannot combine these PDF standards: {}", e.message()),
            ))
        })?;
        let options = PdfOptions {
            ident: Smart::Custom(ident),
            creator: Smart::Custom(Some(format!("notice {}", env!("CARGO_PKG_VERSION")))),
            timestamp: None,
            standards,
            ..PdfOptions::default()
        };
        let bytes = typst_pdf::pdf(rendered.pages()?, &options).map_err(|errors| {
            Failed(
                errors
                    .iter()
                    .map(|e| {
                        let d = Diagnostic::error("pdf", format!("PDF export failed: {}", e.message));
                        if e.message.contains("document date") {
                            d.hint("add `date = 2024-01-02` (the 成文日期) to the plan: the standard records the document's date")
                        } else {
                            d
                        }
                    })
                    .collect(),
            )
        })?;
        Ok(vec![(names.file("pdf"), bytes)])
    }
}
