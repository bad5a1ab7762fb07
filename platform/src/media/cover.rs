//! Book cover uploads: validation and re-encoding (server only).
//!
//! An uploaded cover is never stored as sent. [`process`] sniffs the real
//! format from the bytes, checks the dimensions from the header before any
//! pixel data is decoded, decodes under strict [`image::Limits`], applies the
//! EXIF orientation, flattens transparency onto white, scales the picture down
//! and writes two fresh baseline JPEGs (a cover and a thumbnail). Because the
//! output is encoded from pixels alone, no metadata of the upload (EXIF, GPS,
//! XMP, ICC, comments) survives.
//!
//! Everything here is CPU-bound and synchronous. Async callers must run
//! [`process`] off the async runtime, e.g.
//! `tokio::task::spawn_blocking(move || cover::process(&bytes))`.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// Largest width or height accepted, in pixels.
pub const MAX_DIMENSION: u32 = 8000;
/// Width of the stored cover (smaller uploads keep their own width).
pub const COVER_WIDTH: u32 = 600;
/// Width of the stored thumbnail (smaller uploads keep their own width).
pub const THUMB_WIDTH: u32 = 160;

/// Largest pixel count accepted (40 megapixels).
const MAX_PIXELS: u64 = 40_000_000;
/// Upper bound on what the decoder may allocate, in bytes.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
/// Neither side may be more than this many times the other.
const MAX_ASPECT: u64 = 4;
/// JPEG quality of both outputs.
const JPEG_QUALITY: u8 = 85;

const ERR_EMPTY: &str = "请选择封面图片";
const ERR_TOO_BIG: &str = "封面图片不能超过 5 MB";
const ERR_FORMAT: &str = "封面只支持 JPEG、PNG 或 WebP 图片";
const ERR_DIMENSIONS: &str = "图片尺寸过大";
const ERR_CORRUPT: &str = "图片文件已损坏或无法识别";
const ERR_ASPECT: &str = "封面图片的长宽比例不合适";
/// Only reachable through a bug: encoding an in-memory RGB image cannot
/// otherwise fail.
const ERR_ENCODE: &str = "封面图片处理失败，请稍后再试";

/// One re-encoded image, ready to store and serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// The two images stored for a cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedCover {
    /// At most [`COVER_WIDTH`] wide.
    pub cover: Encoded,
    /// At most [`THUMB_WIDTH`] wide.
    pub thumb: Encoded,
}

/// Checks an uploaded cover image and re-encodes it as a cover and a
/// thumbnail, both baseline JPEG without any metadata.
///
/// The format is taken from the file's magic numbers only; file names and
/// client-supplied content types are irrelevant. Errors are short Chinese
/// messages meant to be shown to the user as they are.
///
/// This is CPU-bound and blocking (a large upload takes a noticeable fraction
/// of a second and up to a few hundred MiB of memory while it is decoded):
/// call it from `tokio::task::spawn_blocking`, never directly on an async
/// task.
pub fn process(upload: &[u8]) -> Result<ProcessedCover, String> {
    if upload.is_empty() {
        return Err(ERR_EMPTY.to_owned());
    }
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(ERR_TOO_BIG.to_owned());
    }
    let format = sniff_format(upload).ok_or_else(|| ERR_FORMAT.to_owned())?;

    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(decode_limits());
    // Building the decoder parses the header only; no pixel data yet.
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height)?;
    if decoder.total_bytes() > MAX_DECODE_ALLOC {
        return Err(ERR_DIMENSIONS.to_owned());
    }
    // A broken or missing EXIF block is not a reason to refuse the picture.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);

    let image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    let pixels = flatten_onto_white(image)?;

    // Sizes as the picture is meant to be seen, i.e. after orientation.
    let turned = swaps_axes(orientation);
    let (raw_w, raw_h) = pixels.dimensions();
    let (shown_w, shown_h) = if turned {
        (raw_h, raw_w)
    } else {
        (raw_w, raw_h)
    };

    let cover_w = shown_w.min(COVER_WIDTH);
    let cover_h = scaled_height(shown_w, shown_h, cover_w);
    // Scale before rotating so that the rotation copies the small image.
    let cover_raw = if turned {
        resize(pixels, cover_h, cover_w)
    } else {
        resize(pixels, cover_w, cover_h)
    };
    let cover = apply_orientation(cover_raw, orientation);

    let thumb_w = shown_w.min(THUMB_WIDTH);
    let thumb_h = scaled_height(shown_w, shown_h, thumb_w);
    // The cover is already a good-quality reduction; scaling it again is far
    // cheaper than going back to the full-size original.
    let thumb = resize(cover.clone(), thumb_w, thumb_h);

    Ok(ProcessedCover {
        cover: encode_jpeg(&cover)?,
        thumb: encode_jpeg(&thumb)?,
    })
}

/// Identifies JPEG, PNG and WebP by their signatures.
fn sniff_format(bytes: &[u8]) -> Option<ImageFormat> {
    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn decode_limits() -> Limits {
    // `Limits` is non-exhaustive, so start from the defaults.
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits
}

/// Limit violations mean "too large"; anything else means the file is bad.
fn decode_error(err: ImageError) -> String {
    match err {
        ImageError::Limits(_) => ERR_DIMENSIONS.to_owned(),
        _ => ERR_CORRUPT.to_owned(),
    }
}

fn check_dimensions(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err(ERR_CORRUPT.to_owned());
    }
    let (w, h) = (u64::from(width), u64::from(height));
    if width > MAX_DIMENSION || height > MAX_DIMENSION || w * h > MAX_PIXELS {
        return Err(ERR_DIMENSIONS.to_owned());
    }
    if h > MAX_ASPECT * w || w > MAX_ASPECT * h {
        return Err(ERR_ASPECT.to_owned());
    }
    Ok(())
}

/// Converts to 8-bit RGB, compositing any transparency over white.
///
/// For images with alpha the RGBA buffer is compacted to RGB in place, so a
/// large upload does not need a second full-size buffer.
fn flatten_onto_white(image: DynamicImage) -> Result<RgbImage, String> {
    if !image.has_alpha() {
        return Ok(image.into_rgb8());
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut buf = rgba.into_raw();
    let count = buf.len() / 4;
    for i in 0..count {
        let src = i * 4;
        let [r, g, b, a] = [buf[src], buf[src + 1], buf[src + 2], buf[src + 3]];
        let alpha = u32::from(a);
        let background = 255 * (255 - alpha);
        let blend = |c: u8| ((u32::from(c) * alpha + background + 127) / 255) as u8;
        // The write position never passes the read position (3i <= 4i),
        // and this pixel was read in full above.
        let dst = i * 3;
        buf[dst] = blend(r);
        buf[dst + 1] = blend(g);
        buf[dst + 2] = blend(b);
    }
    buf.truncate(count * 3);
    RgbImage::from_raw(width, height, buf).ok_or_else(|| ERR_CORRUPT.to_owned())
}

/// Height that keeps the aspect ratio of `width` x `height` at `new_width`.
fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    let (w, h, nw) = (u64::from(width), u64::from(height), u64::from(new_width));
    let rounded = (h * nw + w / 2) / w;
    // At most 4 * MAX_DIMENSION thanks to the aspect check, so it fits.
    u32::try_from(rounded.max(1)).unwrap_or(u32::MAX)
}

fn resize(image: RgbImage, width: u32, height: u32) -> RgbImage {
    if image.dimensions() == (width, height) {
        image
    } else {
        imageops::resize(&image, width, height, FilterType::Lanczos3)
    }
}

fn swaps_axes(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn apply_orientation(image: RgbImage, orientation: Orientation) -> RgbImage {
    if orientation == Orientation::NoTransforms {
        return image;
    }
    let mut dynamic = DynamicImage::ImageRgb8(image);
    dynamic.apply_orientation(orientation);
    dynamic.into_rgb8()
}

/// Baseline JPEG; the encoder writes only a JFIF header, no EXIF or ICC.
fn encode_jpeg(image: &RgbImage) -> Result<Encoded, String> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(image)
        .map_err(|_| ERR_ENCODE.to_owned())?;
    Ok(Encoded {
        bytes,
        content_type: "image/jpeg",
        width: image.width(),
        height: image.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ExtendedColorType, ImageEncoder, Rgb, Rgba, RgbaImage};

    fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, format).expect("encode test image");
        out.into_inner()
    }

    /// Left half opaque red, right half fully transparent black.
    fn png_with_alpha(width: u32, height: u32) -> Vec<u8> {
        let img = RgbaImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgba([220, 20, 20, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });
        encode(&DynamicImage::ImageRgba8(img), ImageFormat::Png)
    }

    fn gradient(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }))
    }

    fn decoded(encoded: &Encoded) -> RgbImage {
        image::load_from_memory_with_format(&encoded.bytes, ImageFormat::Jpeg)
            .expect("output decodes")
            .into_rgb8()
    }

    /// Common checks on a successful result for an upload shown at
    /// `width` x `height`.
    fn assert_output(out: &ProcessedCover, width: u32, height: u32) {
        for (encoded, max_w) in [(&out.cover, COVER_WIDTH), (&out.thumb, THUMB_WIDTH)] {
            assert_eq!(encoded.content_type, "image/jpeg");
            assert_eq!(&encoded.bytes[..2], &[0xFF, 0xD8], "JPEG signature");
            assert!(contains(&encoded.bytes, &[0xFF, 0xC0]), "baseline SOF0");
            assert!(!contains(&encoded.bytes, &[0xFF, 0xC2]), "not progressive");
            assert!(!contains(&encoded.bytes, b"Exif"), "no EXIF");
            assert_eq!(encoded.width, width.min(max_w));
            let expected_h = f64::from(height) * f64::from(encoded.width) / f64::from(width);
            assert!(
                (f64::from(encoded.height) - expected_h).abs() <= 1.0,
                "height {} vs expected {expected_h}",
                encoded.height
            );
            let pixels = decoded(encoded);
            assert_eq!(pixels.dimensions(), (encoded.width, encoded.height));
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
        !crc
    }

    fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    /// A PNG whose header claims `width` x `height` RGBA pixels, followed by
    /// a token IDAT and IEND but no real pixel data.
    fn png_header_only(width: u32, height: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        png_chunk(&mut out, b"IHDR", &ihdr);
        png_chunk(&mut out, b"IDAT", &[0x78, 0x9C, 0x03, 0x00]);
        png_chunk(&mut out, b"IEND", &[]);
        out
    }

    /// A big-endian TIFF block: Orientation = 6 (rotate 90° clockwise) and an
    /// ImageDescription carrying a fake GPS position.
    fn exif_block() -> Vec<u8> {
        let description = b"GPS 31.2304N 121.4737E\0";
        let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&2u16.to_be_bytes());
        // 0x010E ImageDescription, ASCII, value stored after the IFD.
        tiff.extend_from_slice(&0x010Eu16.to_be_bytes());
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend_from_slice(&(description.len() as u32).to_be_bytes());
        tiff.extend_from_slice(&38u32.to_be_bytes());
        // 0x0112 Orientation, SHORT, 1 value.
        tiff.extend_from_slice(&0x0112u16.to_be_bytes());
        tiff.extend_from_slice(&3u16.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&6u16.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        // No next IFD.
        tiff.extend_from_slice(&0u32.to_be_bytes());
        assert_eq!(tiff.len(), 38);
        tiff.extend_from_slice(description);
        tiff
    }

    fn is_near(pixel: &Rgb<u8>, expected: [u8; 3]) -> bool {
        pixel
            .0
            .iter()
            .zip(expected)
            .all(|(&got, want)| got.abs_diff(want) <= 24)
    }

    #[test]
    fn png_with_alpha_is_scaled_and_flattened_onto_white() {
        let out = process(&png_with_alpha(1200, 1800)).expect("accepted");
        assert_output(&out, 1200, 1800);
        assert_eq!((out.cover.width, out.cover.height), (600, 900));
        assert_eq!((out.thumb.width, out.thumb.height), (160, 240));

        let cover = decoded(&out.cover);
        assert!(is_near(cover.get_pixel(150, 450), [220, 20, 20]));
        assert!(is_near(cover.get_pixel(450, 450), [255, 255, 255]));
        let thumb = decoded(&out.thumb);
        assert!(is_near(thumb.get_pixel(20, 120), [220, 20, 20]));
        assert!(is_near(thumb.get_pixel(140, 120), [255, 255, 255]));
    }

    #[test]
    fn small_jpeg_is_not_upscaled() {
        let out = process(&encode(&gradient(300, 450), ImageFormat::Jpeg)).expect("accepted");
        assert_output(&out, 300, 450);
        assert_eq!((out.cover.width, out.cover.height), (300, 450));
        assert_eq!((out.thumb.width, out.thumb.height), (160, 240));
    }

    #[test]
    fn lossless_webp_is_accepted() {
        let img = RgbaImage::from_fn(900, 600, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 60, 255])
        });
        let webp = encode(&DynamicImage::ImageRgba8(img), ImageFormat::WebP);
        assert_eq!(sniff_format(&webp), Some(ImageFormat::WebP));
        let out = process(&webp).expect("accepted");
        assert_output(&out, 900, 600);
        assert_eq!((out.cover.width, out.cover.height), (600, 400));
        assert_eq!((out.thumb.width, out.thumb.height), (160, 107));
    }

    #[test]
    fn tiny_image_keeps_its_size() {
        let out = process(&encode(&gradient(10, 10), ImageFormat::Png)).expect("accepted");
        assert_output(&out, 10, 10);
        assert_eq!((out.cover.width, out.cover.height), (10, 10));
        assert_eq!((out.thumb.width, out.thumb.height), (10, 10));
    }

    #[test]
    fn exif_is_stripped_and_orientation_applied() {
        // Stored 300x450 with a red top-left corner; EXIF says "rotate 90°
        // clockwise", so it is shown 450x300 with the red corner top-right.
        let img = RgbImage::from_fn(300, 450, |x, y| {
            if x < 100 && y < 100 {
                Rgb([220, 20, 20])
            } else {
                Rgb([20, 20, 220])
            }
        });
        let mut jpeg = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut jpeg, 90);
        encoder.set_exif_metadata(exif_block()).expect("exif");
        encoder
            .write_image(img.as_raw(), 300, 450, ExtendedColorType::Rgb8)
            .expect("encode");
        assert!(contains(&jpeg, b"Exif"));
        assert!(contains(&jpeg, b"31.2304N"));

        let out = process(&jpeg).expect("accepted");
        assert_output(&out, 450, 300);
        assert_eq!((out.cover.width, out.cover.height), (450, 300));
        for encoded in [&out.cover, &out.thumb] {
            assert!(!contains(&encoded.bytes, b"Exif"));
            assert!(!contains(&encoded.bytes, b"31.2304N"));
        }
        let cover = decoded(&out.cover);
        assert!(is_near(cover.get_pixel(400, 50), [220, 20, 20]));
        assert!(is_near(cover.get_pixel(50, 50), [20, 20, 220]));
    }

    #[test]
    fn refuses_empty_and_oversized_uploads() {
        assert_eq!(process(&[]).unwrap_err(), ERR_EMPTY);
        let huge = vec![0xFFu8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(process(&huge).unwrap_err(), ERR_TOO_BIG);
    }

    #[test]
    fn refuses_other_formats() {
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        assert_eq!(process(gif).unwrap_err(), ERR_FORMAT);
        let text = "书名：红楼梦\n作者：曹雪芹\n(this is cover.jpg, honestly)\n";
        assert_eq!(process(text.as_bytes()).unwrap_err(), ERR_FORMAT);
        assert_eq!(process(b"RIFF\0\0\0\0WAVEfmt ").unwrap_err(), ERR_FORMAT);
        assert_eq!(process(b"BM").unwrap_err(), ERR_FORMAT);
    }

    #[test]
    fn refuses_truncated_files() {
        let png = encode(&gradient(200, 300), ImageFormat::Png);
        assert_eq!(process(&png[..png.len() / 2]).unwrap_err(), ERR_CORRUPT);
        assert_eq!(process(&png[..20]).unwrap_err(), ERR_CORRUPT);
        assert_eq!(process(&png[..8]).unwrap_err(), ERR_CORRUPT);
        assert_eq!(process(&[0xFF, 0xD8, 0xFF]).unwrap_err(), ERR_CORRUPT);
    }

    #[test]
    fn refuses_huge_dimensions_from_the_header() {
        // Over MAX_DIMENSION: stopped by the decoder limits.
        assert_eq!(
            process(&png_header_only(20_000, 20_000)).unwrap_err(),
            ERR_DIMENSIONS
        );
        assert_eq!(
            process(&png_header_only(MAX_DIMENSION + 1, 4000)).unwrap_err(),
            ERR_DIMENSIONS
        );
        // Each side allowed, but 49 megapixels in total.
        assert_eq!(
            process(&png_header_only(7000, 7000)).unwrap_err(),
            ERR_DIMENSIONS
        );
    }

    #[test]
    fn refuses_extreme_aspect_ratios() {
        let tall = encode(&gradient(100, 1000), ImageFormat::Png);
        assert_eq!(process(&tall).unwrap_err(), ERR_ASPECT);
        let wide = encode(&gradient(1000, 100), ImageFormat::Jpeg);
        assert_eq!(process(&wide).unwrap_err(), ERR_ASPECT);
        // Exactly 1:4 is still fine.
        let ok = encode(&gradient(100, 400), ImageFormat::Png);
        assert_output(&process(&ok).expect("accepted"), 100, 400);
    }

    #[test]
    fn sniffs_formats_from_magic_numbers() {
        assert_eq!(
            sniff_format(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(sniff_format(b"\x89PNG\r\n\x1a\n"), Some(ImageFormat::Png));
        assert_eq!(
            sniff_format(b"RIFF\x10\0\0\0WEBPVP8L"),
            Some(ImageFormat::WebP)
        );
        assert_eq!(sniff_format(b"RIFF"), None);
        assert_eq!(sniff_format(b"GIF87a"), None);
        assert_eq!(sniff_format(b""), None);
    }

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
