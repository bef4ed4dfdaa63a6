//! `NAME.ofd`: the laid-out pages as an OFD package (GB/T 33190-2016),
//! with real text in embedded TrueType subsets.
//!
//! The package holds `OFD.xml`, `Doc_0/Document.xml`, `PublicRes.xml`
//! (fonts), `DocumentRes.xml` (pictures), a `Content.xml` per page and the
//! font and picture files under `Doc_0/Res/`. Nothing is laid out again:
//! [`page`] walks the frames typst-pdf also writes. The same plan gives
//! the same bytes: IDs follow the walk, and the zip entries carry no time.

mod font;
mod media;
mod page;
mod resources;
mod xml;

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use self::page::NAMESPACE;
use self::resources::Resources;
use self::xml::{escape, num};
use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::{Diagnostic, Failed};

pub use self::font::TOLERANCE as CURVE_TOLERANCE;
pub use self::media::RASTER_PPI;

pub struct Ofd;

impl Writer for Ofd {
    fn needs_pages(&self) -> bool {
        true
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        _settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        let pages = rendered.pages()?.pages();
        let mut res = Resources::default();
        let mut contents = Vec::with_capacity(pages.len());
        let mut page_ids = Vec::with_capacity(pages.len());
        for page in pages {
            page_ids.push(res.ids.next());
            contents.push(page::content(&page.frame, &mut res)?);
        }
        let mut fonts = Vec::new();
        let mut problems = Vec::new();
        for (id, subset) in &res.fonts {
            if subset.is_empty() {
                continue;
            }
            match subset.build() {
                Ok(data) => fonts.push((*id, subset, data)),
                Err(e) => problems.push(
                    Diagnostic::error(
                        "ofd-font",
                        format!(
                            "font {} cannot be embedded in the OFD: {}; it is needed for {}",
                            e.font, e.reason, e.chars
                        ),
                    )
                    .hint("set a TrueType or OpenType outline font for these characters (see `notice fonts`), or leave out --format ofd"),
                ),
            }
        }
        if !problems.is_empty() {
            return Err(Failed(problems));
        }

        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        let mut public = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NAMESPACE}" BaseLoc="Res">"#
        );
        if !fonts.is_empty() {
            public.push_str("<ofd:Fonts>");
            for (id, subset, data) in &fonts {
                let info = subset.font.info();
                let file = format!("font_{id}.ttf");
                let _ = write!(
                    public,
                    r#"<ofd:Font ID="{id}" FontName="{}" FamilyName="{}"{}><ofd:FontFile>{file}</ofd:FontFile></ofd:Font>"#,
                    escape(&subset.postscript_name()),
                    escape(&info.family),
                    if info.variant.weight.to_number() >= 600 {
                        r#" Bold="true""#
                    } else {
                        ""
                    }
                );
                parts.push((format!("Doc_0/Res/{file}"), data.clone()));
            }
            public.push_str("</ofd:Fonts>");
        }
        public.push_str("</ofd:Res>");
        parts.push(("Doc_0/PublicRes.xml".into(), public.into_bytes()));
        let has_media = !res.media.is_empty();
        if has_media {
            let mut document_res = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NAMESPACE}" BaseLoc="Res"><ofd:MultiMedias>"#
            );
            for media in &res.media {
                let _ = write!(
                    document_res,
                    r#"<ofd:MultiMedia ID="{}" Type="Image" Format="{}"><ofd:MediaFile>{}</ofd:MediaFile></ofd:MultiMedia>"#,
                    media.id, media.format, media.file
                );
                parts.push((format!("Doc_0/Res/{}", media.file), media.bytes.clone()));
            }
            document_res.push_str("</ofd:MultiMedias></ofd:Res>");
            parts.push(("Doc_0/DocumentRes.xml".into(), document_res.into_bytes()));
        }
        for (n, content) in contents.into_iter().enumerate() {
            parts.push((
                format!("Doc_0/Pages/Page_{n}/Content.xml"),
                content.into_bytes(),
            ));
        }

        let (width, height) = pages
            .first()
            .map(|p| (p.frame.width().to_mm(), p.frame.height().to_mm()))
            .unwrap_or((210.0, 297.0));
        let mut document = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NAMESPACE}"><ofd:CommonData><ofd:MaxUnitID>{}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"#,
            res.ids.max(),
            num(width),
            num(height)
        );
        if has_media {
            document.push_str("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>");
        }
        document.push_str("</ofd:CommonData><ofd:Pages>");
        for (n, id) in page_ids.iter().enumerate() {
            let _ = write!(
                document,
                r#"<ofd:Page ID="{id}" BaseLoc="Pages/Page_{n}/Content.xml"/>"#
            );
        }
        document.push_str("</ofd:Pages></ofd:Document>");
        parts.push(("Doc_0/Document.xml".into(), document.into_bytes()));

        // The DocID is a digest of everything else, so it changes exactly
        // when the document does.
        let mut digest = Sha256::new();
        for (name, bytes) in &parts {
            digest.update(name.as_bytes());
            digest.update(bytes);
        }
        let doc_id: String = digest.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let meta = &rendered.document.metadata;
        let mut info = format!("<ofd:DocID>{doc_id}</ofd:DocID>");
        if !meta.title.is_empty() {
            let _ = write!(info, "<ofd:Title>{}</ofd:Title>", escape(&meta.title));
        }
        if !meta.author.is_empty() {
            let _ = write!(info, "<ofd:Author>{}</ofd:Author>", escape(&meta.author));
        }
        if let Some([y, m, d]) = meta.date {
            let _ = write!(
                info,
                "<ofd:CreationDate>{y:04}-{m:02}-{d:02}</ofd:CreationDate>"
            );
        }
        let _ = write!(
            info,
            "<ofd:Creator>notice</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion>",
            env!("CARGO_PKG_VERSION")
        );
        let ofd = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NAMESPACE}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
        );
        parts.insert(0, ("OFD.xml".into(), ofd.into_bytes()));
        Ok(vec![(names.file("ofd"), package(&parts)?)])
    }
}

/// Deflate's fastest level: it writes the package in a third of the time
/// of the default level for files a few percent larger (BENCHMARKS.md).
const LEVEL: i64 = 1;

/// The parts as a zip archive with fixed times.
fn package(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, Failed> {
    let fail = |e: String| {
        Failed::from(Diagnostic::error(
            "ofd",
            format!("cannot write the OFD package: {e}"),
        ))
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(LEVEL))
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options)
            .map_err(|e| fail(e.to_string()))?;
        zip.write_all(bytes).map_err(|e| fail(e.to_string()))?;
    }
    let cursor = zip.finish().map_err(|e| fail(e.to_string()))?;
    Ok(cursor.into_inner())
}
