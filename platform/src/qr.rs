//! QR codes rendered on the server as SVG (no script, no external image).

use qrcode::QrCode;
use qrcode::render::svg;

use crate::html::SafeHtml;

/// The SVG of a QR code for `data`, or `None` if it is too long to encode.
/// The markup comes from the renderer, never from user text: `data` only
/// decides which squares are dark.
pub fn svg(data: &str) -> Option<SafeHtml> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Drop the XML prolog: the SVG sits inside an HTML page.
    Some(SafeHtml::trusted(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_inline_svg() {
        let s = super::svg("https://live.example.cn/room/1?a=<b>").unwrap();
        assert!(s.starts_with("<svg"));
        assert!(!s.contains("<b>"));
        assert!(s.contains("<path") || s.contains("<rect"));
    }
}
