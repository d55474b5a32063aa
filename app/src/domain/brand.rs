//! A brand's look (System → Brands, issue 16 item 5): the title, logo and accent colour the invitee's
//! pages and emails carry. authentik's brand has `branding_title` and `branding_logo` (a URL or a path);
//! the accent colour is Usher's. The rules here are pure: what a valid value is, and which text colour
//! keeps a button readable on the accent (WCAG 2.2 §1.4.3, contrast ratio ≥ 4.5:1).

/// The longest brand title, in characters.
pub const TITLE_MAX: usize = 64;
/// The longest logo URL, in bytes.
pub const LOGO_MAX: usize = 2048;

/// Why a brand value is refused. Each names the field it concerns ([`BrandError::field`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BrandError {
    /// A title over [`TITLE_MAX`] characters.
    TitleTooLong,
    /// A title with control characters (a line break, a tab).
    TitleCharacters,
    /// A logo that is neither an absolute http(s) URL with a host nor a path on this site, or that holds
    /// whitespace, quotes, angle brackets or backslashes, or is over [`LOGO_MAX`] bytes.
    Logo,
    /// An accent colour that is not `#rgb` or `#rrggbb`.
    Accent,
}

impl BrandError {
    /// This error's message in `l` (the catalogue's `err-brand-…` keys); its `Display` is the
    /// English one.
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::TitleTooLong => t!(l, "err-brand-title-too-long", max = TITLE_MAX.to_string()),
            Self::TitleCharacters => t!(l, "err-brand-title-characters"),
            Self::Logo => t!(l, "err-brand-logo"),
            Self::Accent => t!(l, "err-brand-accent"),
        }
    }
}

impl std::fmt::Display for BrandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for BrandError {}

impl BrandError {
    /// The form field the error concerns: `branding_title`, `branding_logo` or `branding_accent`.
    pub fn field(self) -> &'static str {
        match self {
            Self::TitleTooLong | Self::TitleCharacters => "branding_title",
            Self::Logo => "branding_logo",
            Self::Accent => "branding_accent",
        }
    }
}

/// A brand title as typed: trimmed; empty means none (the environment's `USHER_BRAND_NAME`, else
/// "Usher", applies).
///
/// # Errors
/// [`BrandError::TitleTooLong`], [`BrandError::TitleCharacters`].
pub fn parse_title(raw: &str) -> Result<Option<String>, BrandError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > TITLE_MAX {
        return Err(BrandError::TitleTooLong);
    }
    if t.chars().any(char::is_control) {
        return Err(BrandError::TitleCharacters);
    }
    Ok(Some(t.to_owned()))
}

/// A logo's address as typed: trimmed; an absolute `http(s)://host/…` URL, or a path on this site
/// (`/…`, not `//…`); empty means none.
///
/// # Errors
/// [`BrandError::Logo`].
pub fn parse_logo(raw: &str) -> Result<Option<String>, BrandError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let absolute = http_authority(s).is_some_and(|a| !a.contains('@'));
    let path = is_site_path(s);
    let clean = !s
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(c));
    if (absolute || path) && clean && s.len() <= LOGO_MAX {
        Ok(Some(s.to_owned()))
    } else {
        Err(BrandError::Logo)
    }
}

/// The authority (`host[:port]`, with any user info) of an absolute `http://` or `https://` URL (the
/// scheme in either case); `None` for anything else, an empty authority, or one holding characters no
/// host, port or user name needs (`;`, `,`, quotes, spaces…: they could end a header's directive).
pub fn http_authority(url: &str) -> Option<&str> {
    let rest = ["https://", "http://"].iter().find_map(|p| {
        url.get(..p.len())
            .filter(|head| head.eq_ignore_ascii_case(p))
            .map(|_| &url[p.len()..])
    })?;
    rest.split(['/', '?', '#']).next().filter(|a| {
        !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_~:[]@%".contains(c))
    })
}

/// Whether `s` is a path on this site: `/…`, not the network-path reference `//…` (another host).
pub fn is_site_path(s: &str) -> bool {
    s.starts_with('/') && !s.starts_with("//")
}

/// An accent colour: red, green and blue, 0–255 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent(pub [u8; 3]);

impl Accent {
    /// Parses `#rgb` or `#rrggbb` (either case; surrounding whitespace ignored); empty means none.
    ///
    /// # Errors
    /// [`BrandError::Accent`].
    pub fn parse(raw: &str) -> Result<Option<Self>, BrandError> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let hex = s.strip_prefix('#').ok_or(BrandError::Accent)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BrandError::Accent);
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).unwrap_or(0);
        let rgb = match hex.len() {
            3 => [digit(0) * 17, digit(1) * 17, digit(2) * 17],
            6 => {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
                [byte(0), byte(2), byte(4)]
            }
            _ => return Err(BrandError::Accent),
        };
        Ok(Some(Self(rgb)))
    }

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// The text colour for a button on this accent: white or black, whichever contrasts more. The
    /// larger of the two ratios is never below √21 ≈ 4.58, so the text always meets 4.5:1.
    pub fn foreground(self) -> Accent {
        let white = Accent([0xff, 0xff, 0xff]);
        let dark = Accent([0, 0, 0]);
        if contrast(self, white) >= contrast(self, dark) {
            white
        } else {
            dark
        }
    }
}

/// A colour's relative luminance, 0 (black) to 1 (white) (WCAG 2.2, "relative luminance": sRGB
/// channels linearised with the 0.04045 threshold, weighted 0.2126, 0.7152, 0.0722).
pub fn luminance(c: Accent) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.040_45 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = c.0;
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The contrast ratio of two colours, 1 to 21 (WCAG 2.2, "contrast ratio": (L1 + 0.05) / (L2 + 0.05)
/// with L1 the lighter).
pub fn contrast(a: Accent, b: Accent) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    (hi + 0.05) / (lo + 0.05)
}

/// The brand's look as saved on System → Brands: each `None` where nothing is saved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Look {
    /// The title (instead of `USHER_BRAND_NAME`).
    pub title: Option<String>,
    /// The logo: an absolute http(s) URL or a path on this site.
    pub logo: Option<String>,
    /// The accent colour of buttons.
    pub accent: Option<Accent>,
}

impl Look {
    /// The stylesheet that gives buttons the accent colour and a readable text colour on it, in light
    /// and dark mode; `None` without an accent. Its selector outranks the palettes of `main.css`
    /// (`:root[data-theme="dark"]` and the dark-mode media query's `:root:not([data-theme="light"])`).
    pub fn stylesheet(&self) -> Option<String> {
        let a = self.accent?;
        Some(format!(
            ":root:root:root {{ --accent: {}; --accent-fg: {}; }}\n",
            a.hex(),
            a.foreground().hex()
        ))
    }

    /// The logo's absolute URL, for emails: a path is put after `public_url` (its trailing slash
    /// dropped); `None` without a logo.
    pub fn logo_url(&self, public_url: &str) -> Option<String> {
        let logo = self.logo.as_deref()?;
        Some(if logo.starts_with('/') {
            format!("{}{logo}", public_url.trim_end_matches('/'))
        } else {
            logo.to_owned()
        })
    }

    /// A short tag that changes whenever the stylesheet does (for its URL, so a browser fetches a new
    /// one): the accent's hex digits, or `none`.
    pub fn stylesheet_version(&self) -> String {
        self.accent
            .map_or_else(|| "none".into(), |a| a.hex().trim_start_matches('#').into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(parse_title("  Acme  "), Ok(Some("Acme".into())));
        assert_eq!(parse_title(" "), Ok(None));
        assert_eq!(parse_title(&"é".repeat(64)), Ok(Some("é".repeat(64))));
        assert_eq!(parse_title(&"é".repeat(65)), Err(BrandError::TitleTooLong));
        assert_eq!(parse_title("Ac\nme"), Err(BrandError::TitleCharacters));
        assert_eq!(BrandError::TitleCharacters.field(), "branding_title");
    }

    #[test]
    fn logos() {
        for ok in [
            "https://cdn.example.com/logo.svg",
            "HTTP://localhost:8080/l.png",
            "/static/logo.png",
        ] {
            assert_eq!(parse_logo(ok), Ok(Some(ok.into())), "{ok}");
        }
        assert_eq!(parse_logo(""), Ok(None));
        for bad in [
            "//evil.io/x.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "https://",
            "https://user@host/x.png",
            "logo.png",
            "https://a b/x.png",
            "/x.png\" onerror=\"x",
            "/x<script>",
            "https://a.com;script-src/x.png",
            "https://a.com,b.com/x.png",
            &format!("/{}", "a".repeat(LOGO_MAX)),
        ] {
            assert_eq!(parse_logo(bad), Err(BrandError::Logo), "{bad}");
        }
    }

    #[test]
    fn accents() {
        assert_eq!(
            Accent::parse(" #1F6FEB "),
            Ok(Some(Accent([0x1f, 0x6f, 0xeb])))
        );
        assert_eq!(Accent::parse("#fa0"), Ok(Some(Accent([0xff, 0xaa, 0x00]))));
        assert_eq!(Accent::parse(""), Ok(None));
        for bad in ["1f6feb", "#1f6fe", "#ggg", "red", "#1f6feb00", "#+1f6fe"] {
            assert_eq!(Accent::parse(bad), Err(BrandError::Accent), "{bad}");
        }
        assert_eq!(Accent([0x1f, 0x6f, 0xeb]).hex(), "#1f6feb");
    }

    #[test]
    fn contrast_follows_wcag() {
        let black = Accent([0, 0, 0]);
        let white = Accent([255, 255, 255]);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // WebAIM's checker: #767676 on white is 4.54:1.
        assert!((contrast(Accent([0x76, 0x76, 0x76]), white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn the_text_on_any_accent_is_readable() {
        assert_eq!(Accent([0xc4, 0x32, 0x1a]).foreground().hex(), "#ffffff");
        assert_eq!(Accent([0xff, 0xdd, 0x00]).foreground().hex(), "#000000");
        // Every grey and a sweep of colours keep 4.5:1 with the chosen text colour.
        for v in (0..=255u16).step_by(5) {
            for c in [[v, v, v], [v, 255 - v, 128], [255, v, 0], [0, v, 255]] {
                let a = Accent(c.map(|x| x as u8));
                assert!(contrast(a, a.foreground()) >= 4.5, "{}", a.hex());
            }
        }
    }

    #[test]
    fn look() {
        let look = Look {
            title: Some("Acme".into()),
            logo: Some("/static/logo.png".into()),
            accent: Some(Accent([0xff, 0xdd, 0x00])),
        };
        assert_eq!(
            look.stylesheet().unwrap(),
            ":root:root:root { --accent: #ffdd00; --accent-fg: #000000; }\n"
        );
        assert_eq!(
            look.logo_url("https://id.example.com/").as_deref(),
            Some("https://id.example.com/static/logo.png")
        );
        assert_eq!(look.stylesheet_version(), "ffdd00");
        assert_eq!(Look::default().stylesheet(), None);
        assert_eq!(Look::default().logo_url("https://x"), None);
        assert_eq!(Look::default().stylesheet_version(), "none");
    }
}
