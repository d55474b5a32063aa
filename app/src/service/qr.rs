//! QR codes of invitation links (issue 15 item 6): an SVG for the expanded row and its download, a PNG for
//! posters. Encoded by the `qrcode` crate (error correction M, the usual choice for printed codes), with
//! the quiet zone of 4 modules a reader needs around it; the link is what the code holds, nothing more.

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

/// The quiet zone around a code, modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// The largest PNG module, pixels (a poster's code at 300 dpi needs about 10).
pub const MAX_PNG_SCALE: usize = 32;

fn encode(text: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()
}

/// `text` as an SVG document of a QR code at least `min_px` pixels wide (its `viewBox` keeps it sharp at
/// any size), dark modules `#000`, light `#fff`; `None` when `text` is too long for a QR code (about
/// 2,300 bytes at level M).
pub fn svg(text: &str, min_px: u32) -> Option<String> {
    Some(
        encode(text)?
            .render::<svg::Color<'_>>()
            .min_dimensions(min_px, min_px)
            .quiet_zone(true)
            .dark_color(svg::Color("#000"))
            .light_color(svg::Color("#fff"))
            .build(),
    )
}

/// `text` as a greyscale PNG of a QR code, `scale` pixels per module (1 to [`MAX_PNG_SCALE`]), with its
/// quiet zone; `None` when `text` is too long for a QR code or `scale` is out of range.
pub fn png(text: &str, scale: usize) -> Option<Vec<u8>> {
    if !(1..=MAX_PNG_SCALE).contains(&scale) {
        return None;
    }
    let code = encode(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
        for y in my * scale..(my + 1) * scale {
            pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).ok()?;
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://usher.example.com/if/flow/invitation-enrollment-flow-external/?itoken=4a5f3fe0-96f9-4842-a8a8-0123456789ab";

    #[test]
    fn an_svg_is_a_sized_document() {
        let s = svg(LINK, 240).unwrap();
        assert!(s.starts_with("<?xml"), "{}", &s[..40]);
        assert!(s.contains("<svg") && s.contains("viewBox"));
        assert!(s.contains("#000"));
        assert!(
            !s.contains("itoken"),
            "the link is in the modules, not in the text"
        );
    }

    #[test]
    fn a_png_has_the_quiet_zone_and_the_scale() {
        let bytes = png(LINK, 4).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = ::png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let modules = encode(LINK).unwrap().width();
        assert_eq!(info.width as usize, (modules + 2 * QUIET_ZONE) * 4);
        // The quiet zone is light; the finder pattern's corner is dark.
        assert_eq!(buf[0], 255);
        let corner = QUIET_ZONE * 4;
        assert_eq!(buf[corner * info.width as usize + corner], 0);
    }

    #[test]
    fn what_cannot_be_a_code_is_none() {
        assert!(svg(&"x".repeat(5000), 100).is_none());
        assert!(png(LINK, 0).is_none());
        assert!(png(LINK, MAX_PNG_SCALE + 1).is_none());
    }
}
