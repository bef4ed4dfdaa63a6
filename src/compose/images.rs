//! Seal images: PNG or SVG, their size read from the header before anything
//! is decoded, then checked whole, so a bad or huge image is an error at
//! its key and never reaches the layout.

use toml::Spanned;

use super::Composer;
use crate::diagnostic::Diagnostic;
use crate::limits;
use crate::model::{DocumentFormat, Image, ImageFormat};
use crate::plan::SealPaths;

impl Composer<'_> {
    /// The seal images of the plan, checked against the 署名.
    pub(super) fn seals(&mut self, format: DocumentFormat, signers: usize) -> Vec<Image> {
        let Some(seal) = &self.loaded.plan.seal else {
            return Vec::new();
        };
        let paths = SealPaths::paths(seal);
        let images: Vec<Image> = paths.iter().filter_map(|p| self.seal(p)).collect();
        self.check_seal_count(seal, paths.len(), signers, format);
        images
    }

    /// Reads one image; an unreadable one is an error at its place.
    fn seal(&mut self, value: &Spanned<String>) -> Option<Image> {
        let (_, bytes) = self.read(value, "seal", limits::IMAGE_BYTES)?;
        match check(&bytes) {
            Ok(format) => Some(Image { bytes, format }),
            Err(problem) => {
                self.errors.push(
                    Diagnostic::error("seal", format!("the seal image {}", problem.message))
                        .at_place(Some(self.plan_place(value)))
                        .label(problem.label)
                        .hint(problem.hint),
                );
                None
            }
        }
    }

    /// Several seals go one per issuer in the 署名 (GB/T 9704 7.3.5.1); a
    /// 命令 carries one signature seal.
    fn check_seal_count(
        &mut self,
        seal: &Spanned<SealPaths>,
        seals: usize,
        signers: usize,
        format: DocumentFormat,
    ) {
        let problem = if seals == 0 {
            Some((
                "`seal` is an empty array".to_string(),
                "no image",
                "give one image path, or one per issuer, or remove the key",
            ))
        } else if seals > 1 && format == DocumentFormat::Order {
            Some((
                format!("a 命令 takes one signature seal, not {seals}"),
                "several images",
                "give `seal` a single image path",
            ))
        } else if seals > 1 && seals != signers {
            Some((
                format!(
                    "{seals} seals for {signers} issuer(s) in the 署名: joint seals go one per issuer"
                ),
                "count differs from the 署名",
                "list one seal per `issuer` (or `signature` line) in the same order, or give a single seal",
            ))
        } else {
            None
        };
        if let Some((message, label, hint)) = problem {
            self.errors.push(
                Diagnostic::error("seal", message)
                    .at_place(Some(self.plan_place(seal)))
                    .label(label)
                    .hint(hint),
            );
        }
    }
}

/// Why an image cannot be used.
#[derive(Debug)]
pub struct ImageProblem {
    pub message: String,
    pub label: &'static str,
    pub hint: &'static str,
}

/// Checks an image file: its kind, its size in pixels (from the header,
/// before decoding) and that it decodes.
pub fn check(bytes: &[u8]) -> Result<ImageFormat, ImageProblem> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        check_png(bytes)?;
        Ok(ImageFormat::Png)
    } else if looks_like_svg(bytes) {
        check_svg(bytes)?;
        Ok(ImageFormat::Svg)
    } else {
        Err(ImageProblem {
            message: "is neither a PNG nor an SVG image".into(),
            label: "unsupported image",
            hint: "export the seal as PNG (transparent background) or SVG",
        })
    }
}

fn too_large(width: u64, height: u64) -> ImageProblem {
    ImageProblem {
        message: format!(
            "is {width} × {height} pixels, more than the limit of {} million",
            limits::IMAGE_PIXELS / 1_000_000
        ),
        label: "too many pixels",
        hint: "a seal needs about 1000 × 1000 pixels; scale the image down",
    }
}

fn unreadable(kind: &str, err: impl std::fmt::Display) -> ImageProblem {
    ImageProblem {
        message: format!("cannot be read as {kind}: {err}"),
        label: "damaged image",
        hint: "export the seal again as PNG (transparent background) or SVG",
    }
}

fn check_png(bytes: &[u8]) -> Result<(), ImageProblem> {
    check_raster(bytes, image::ImageFormat::Png, "PNG")
}

fn check_raster(bytes: &[u8], format: image::ImageFormat, kind: &str) -> Result<(), ImageProblem> {
    let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (width, height) = reader.into_dimensions().map_err(|e| unreadable(kind, e))?;
    if u64::from(width) * u64::from(height) > limits::IMAGE_PIXELS {
        return Err(too_large(width.into(), height.into()));
    }
    image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .decode()
        .map(drop)
        .map_err(|e| unreadable(kind, e))
}

fn check_svg(bytes: &[u8]) -> Result<(), ImageProblem> {
    let tree = usvg::Tree::from_data(bytes, &usvg::Options::default())
        .map_err(|e| unreadable("SVG", e))?;
    // Pictures embedded in the SVG are decoded with it.
    let mut problem = None;
    visit_images(tree.root(), &mut |data| {
        let checked = match data {
            usvg::ImageKind::PNG(png) => check_png(png),
            usvg::ImageKind::JPEG(jpeg) => check_raster(jpeg, image::ImageFormat::Jpeg, "JPEG"),
            usvg::ImageKind::GIF(gif) => check_raster(gif, image::ImageFormat::Gif, "GIF"),
            usvg::ImageKind::WEBP(webp) => check_raster(webp, image::ImageFormat::WebP, "WebP"),
            usvg::ImageKind::SVG(_) => Ok(()),
        };
        if let Err(p) = checked {
            problem.get_or_insert(p);
        }
    });
    match problem {
        Some(p) => Err(p),
        None => Ok(()),
    }
}

fn visit_images(group: &usvg::Group, f: &mut impl FnMut(&usvg::ImageKind)) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => visit_images(g, f),
            usvg::Node::Image(image) => {
                f(image.kind());
                if let usvg::ImageKind::SVG(tree) = image.kind() {
                    visit_images(tree.root(), f);
                }
            }
            _ => {}
        }
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    head.contains("<svg")
}
