//! The embedded DejaVu Sans faces, and how a string becomes a row of glyphs: the one place
//! that decides which glyph each character gets, its advance and its kerning, so measuring
//! and drawing can never disagree.

use unicode_normalization::UnicodeNormalization;

use crate::Error;
use crate::sfnt::Face;
use crate::units::{self, Mm, Pt};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Which of the two embedded faces a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weight {
    Regular,
    Bold,
}

impl Weight {
    fn name(self) -> &'static str {
        match self {
            Weight::Regular => "DejaVu Sans",
            Weight::Bold => "DejaVu Sans Bold",
        }
    }
}

/// The embedded fonts, parsed once: measure text with them while laying out a page, and hand
/// them to [`crate::Document::new`] to draw with.
///
/// Cloning is cheap: the font data is static and a clone copies only the parsed offsets.
#[derive(Debug, Clone)]
pub struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    /// Parses the two DejaVu Sans faces compiled into the crate.
    ///
    /// This fails only if the font files in the crate are broken, which the crate's tests
    /// would show; it is a `Result` so that even that cannot panic.
    pub fn embedded() -> Result<Fonts, Error> {
        Ok(Fonts {
            regular: Font::parse(Weight::Regular, REGULAR, "DejaVuSans")?,
            bold: Font::parse(Weight::Bold, BOLD, "DejaVuSans-Bold")?,
        })
    }

    /// The width of `text` set on one line at `size` in `weight`, as it will be drawn:
    /// with kerning, replacement glyphs for unsupported characters, and nothing for
    /// invisible ones. Line breaks count as nothing too: measure lines one at a time.
    pub fn text_width(&self, size: Pt, weight: Weight, text: &str) -> Mm {
        let font = self.font(weight);
        font.to_pt(font.measure(text).units, units::type_size(size))
            .to_mm()
    }

    /// The characters of `text` that `weight` cannot draw and would replace (see
    /// [`crate::Output::missing`]), in order of first appearance, each once.
    pub fn unsupported(&self, weight: Weight, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for glyph in self.font(weight).glyphs(text) {
            if glyph.missing && !missing.contains(&glyph.ch) {
                missing.push(glyph.ch);
            }
        }
        missing
    }

    pub(crate) fn font(&self, weight: Weight) -> &Font {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// One face and the glyph that stands in for characters it cannot draw.
#[derive(Debug, Clone)]
pub(crate) struct Font {
    pub face: Face,
    /// The PostScript name of the face, which a PDF font's `BaseFont` carries.
    pub postscript_name: &'static str,
    /// The glyph drawn for an unsupported character, and the character text extraction
    /// gives for it: U+FFFD REPLACEMENT CHARACTER (which DejaVu has), else '?'.
    replacement: (u16, char),
}

/// One glyph placed on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Glyph {
    pub gid: u16,
    /// What text extraction should give for it (its ToUnicode entry): the character itself,
    /// or the replacement character when the character was unsupported.
    pub extracts_as: char,
    /// The character the caller asked for.
    pub ch: char,
    pub missing: bool,
    /// Kerning against the glyph before it, in font units.
    pub kern: i16,
    pub advance: u16,
}

/// What measuring a string gives: its width and its end glyphs, so two measured pieces can
/// be joined (with the kerning between them) without measuring the whole again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Measure {
    /// Width in font units.
    pub units: i64,
    first: Option<u16>,
    last: Option<u16>,
}

impl Font {
    fn parse(
        weight: Weight,
        data: &'static [u8],
        postscript_name: &'static str,
    ) -> Result<Font, Error> {
        let face = Face::parse(data).map_err(|why| Error::Font {
            font: weight.name(),
            reason: why.0,
        })?;
        let replacement = ['\u{FFFD}', '?']
            .into_iter()
            .find_map(|c| face.glyph_index(c).map(|gid| (gid, c)))
            .ok_or(Error::Font {
                font: weight.name(),
                reason: "no replacement glyph",
            })?;
        Ok(Font {
            face,
            postscript_name,
            replacement,
        })
    }

    /// The glyphs that draw `text` on one line, left to right.
    ///
    /// Text is put in Unicode normalisation form C first, so a name typed with combining
    /// accents ("e" + U+0302 + U+0303) gets the font's precomposed glyph ("ễ") instead of
    /// marks stacked without the positioning that only a shaper could give.
    pub fn glyphs(&self, text: &str) -> Vec<Glyph> {
        let mut glyphs: Vec<Glyph> = Vec::with_capacity(text.len());
        for ch in text.nfc() {
            if is_invisible(ch) {
                continue;
            }
            let found = if needs_shaping(ch) {
                None
            } else {
                self.face.glyph_index(ch)
            };
            let (gid, extracts_as, missing) = match found {
                Some(gid) => (gid, ch, false),
                None => (self.replacement.0, self.replacement.1, true),
            };
            let kern = glyphs
                .last()
                .map_or(0, |before| self.face.kerning(before.gid, gid));
            glyphs.push(Glyph {
                gid,
                extracts_as,
                ch,
                missing,
                kern,
                advance: self.face.advance(gid),
            });
        }
        glyphs
    }

    pub fn measure(&self, text: &str) -> Measure {
        let glyphs = self.glyphs(text);
        Measure {
            units: glyphs
                .iter()
                .map(|g| i64::from(g.advance) + i64::from(g.kern))
                .sum(),
            first: glyphs.first().map(|g| g.gid),
            last: glyphs.last().map(|g| g.gid),
        }
    }

    /// `left` followed directly by `right`, measured as if set together.
    pub fn join(&self, left: Measure, right: Measure) -> Measure {
        let kern = match (left.last, right.first) {
            (Some(a), Some(b)) => i64::from(self.face.kerning(a, b)),
            _ => 0,
        };
        Measure {
            units: left.units + kern + right.units,
            first: left.first.or(right.first),
            last: right.last.or(left.last),
        }
    }

    /// Font units at a type size, in points.
    pub fn to_pt(&self, units: i64, size: Pt) -> Pt {
        // Widths of a line are far below f64's exact integer range, so this loses nothing.
        Pt((units as f64 * f64::from(size.0) / f64::from(self.face.units_per_em)) as f32)
    }

    /// Font units scaled to the 1000-unit glyph space PDF widths and kerning use.
    pub fn to_thousandths(&self, units: i64) -> f32 {
        (units as f64 * 1000.0 / f64::from(self.face.units_per_em)) as f32
    }
}

/// Characters that draw nothing and take no room: controls (a line break in `text()` is not
/// a line break; use [`Fonts::wrap`]), and format characters such as the soft hyphen, zero
/// width space and joiners, bidirectional marks, the byte order mark and variation selectors.
/// Drawing the font's glyph for these (a soft hyphen shows as a hyphen) or a replacement
/// would both be wrong.
fn is_invisible(ch: char) -> bool {
    ch.is_control()
        || matches!(ch,
            '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Characters of scripts that are written right to left or whose letters change shape with
/// their neighbours (Hebrew, Arabic, Syriac, Thaana, N'Ko, the Indic and South-East Asian
/// scripts, Tibetan, Mongolian). DejaVu has glyphs for some of them, but placing those glyphs
/// one by one, left to right, as this writer does, would spell the word wrongly; they are
/// treated as unsupported so the caller learns of them instead.
fn needs_shaping(ch: char) -> bool {
    matches!(ch,
        '\u{0590}'..='\u{08FF}' | '\u{0900}'..='\u{0DFF}' | '\u{0E80}'..='\u{109F}'
        | '\u{1700}'..='\u{18AF}' | '\u{1A00}'..='\u{1C4F}' | '\u{1CD0}'..='\u{1CFF}'
        | '\u{A800}'..='\u{AAFF}' | '\u{ABC0}'..='\u{ABFF}'
        | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}' | '\u{10800}'..='\u{10FFF}'
        | '\u{11000}'..='\u{11FFF}' | '\u{1E800}'..='\u{1EFFF}')
}
