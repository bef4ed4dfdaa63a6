//! What a document's pages refer to by ID: fonts, pictures, and the one
//! counter that keeps every ID unique across the document.

use typst::layout::Size;
use typst::text::Font;
use typst::visualize::Image;

use super::font::Subset;
use super::media;
use crate::diagnostic::Failed;

/// IDs unique across the document; the last one is `MaxUnitID`.
#[derive(Default)]
pub struct Ids(u32);

impl Ids {
    pub fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }

    pub fn max(&self) -> u32 {
        self.0
    }
}

/// A picture file of the package.
pub struct Media {
    pub id: u32,
    /// The file's name inside `Doc_0/Res/`.
    pub file: String,
    /// `PNG` or `JPEG`.
    pub format: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Resources {
    pub ids: Ids,
    pub fonts: Vec<(u32, Subset)>,
    pub media: Vec<Media>,
    images: Vec<(Image, u32)>,
}

impl Resources {
    /// The font resource's ID and its subset, made on first use.
    pub fn font(&mut self, font: &Font) -> (u32, &mut Subset) {
        let index = match self.fonts.iter().position(|(_, s)| &s.font == font) {
            Some(index) => index,
            None => {
                let id = self.ids.next();
                self.fonts.push((id, Subset::new(font.clone())));
                self.fonts.len() - 1
            }
        };
        let (id, subset) = &mut self.fonts[index];
        (*id, subset)
    }

    /// The MultiMedia resource's ID of a picture, encoded on first use.
    pub fn image(&mut self, image: &Image, size: Size) -> Result<u32, Failed> {
        if let Some((_, id)) = self.images.iter().find(|(i, _)| i == image) {
            return Ok(*id);
        }
        let (bytes, format) = media::encode(image, size)?;
        let id = self.ids.next();
        let ext = if format == "JPEG" { "jpg" } else { "png" };
        self.media.push(Media {
            id,
            file: format!("image_{id}.{ext}"),
            format,
            bytes,
        });
        self.images.push((image.clone(), id));
        Ok(id)
    }
}
