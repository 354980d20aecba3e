//! Small PDF documents of positioned Unicode text, rules and rectangles, set in an embedded,
//! subset DejaVu Sans, so that any Latin, Greek or Cyrillic name prints as written and can be
//! copied and searched back out of the file. It lays out and writes; it has no words of its
//! own (a certificate's wording belongs to the web layer).
//!
//! ```
//! use iln_pdf::{Document, Fonts, Metadata, Mm, PageSize, Pt, Weight};
//!
//! let fonts = Fonts::embedded()?;
//! let size = PageSize::A4.landscape();
//! let mut document = Document::new(&fonts, size)
//!     .with_metadata(Metadata { title: Some("Łukasz Żółć".into()), ..Metadata::default() });
//! let page = document.add_page();
//! let name = "Nguyễn Thị Minh Khai";
//! let width = fonts.text_width(Pt(28.0), Weight::Bold, name);
//! page.text((size.width() - width) / 2.0, Mm(80.0), Pt(28.0), Weight::Bold, name);
//! page.rule(Mm(40.0), Mm(86.0), size.width() - Mm(40.0), Mm(86.0), Pt(0.5));
//! let output = document.finish()?;
//! assert!(output.bytes.starts_with(b"%PDF-"));
//! assert!(output.missing.is_empty());
//! # Ok::<(), iln_pdf::Error>(())
//! ```
//!
//! Positions are millimetres from the top-left corner of the page, with y growing down the
//! page and text placed by its baseline; type sizes and line widths are points. Any number is
//! accepted: ones that are not finite or are out of PDF's range are brought into it, so no
//! input makes the writer panic or write a file a reader rejects.
//!
//! Layout:
//! - `font`: the two embedded faces ([`Fonts`], [`Weight`]), the choice of glyph for each
//!   character, measuring ([`Fonts::text_width`]).
//! - `wrap`: breaking paragraphs into lines ([`Fonts::wrap`]).
//! - `sfnt`: reading the TrueType tables that needs (private).
//! - `document`: what callers build ([`Document`], [`Page`], [`PageSize`], [`Metadata`]).
//! - `write`: the PDF itself (private).
//!
//! What the writer does not do: shaping. Glyphs are placed one after another with the font's
//! pair kerning, which is right for Latin, Greek and Cyrillic; right-to-left scripts and
//! scripts whose letters join or reorder (Arabic, Hebrew, the Indic scripts…) are reported as
//! unsupported, like characters the font lacks (Chinese, most emoji), and drawn as a visible
//! replacement glyph. [`Output::missing`] lists them, and [`Fonts::unsupported`] tells before
//! drawing, so a caller can choose another spelling.
//!
//! # Why these dependencies
//!
//! - `pdf-writer` (typst) writes PDF objects with typed builders and the cross-reference
//!   table; its only dependencies are `bitflags`, `itoa`, `memchr` and `ryu`.
//! - `subsetter` (typst) cuts a TrueType font down to the glyphs used, including the parts of
//!   composite glyphs (DejaVu builds many accented letters that way). Without its default
//!   `variable-fonts` feature it depends only on `rustc-hash`. A page of names needs about a
//!   hundred of DejaVu Sans's 6,253 glyphs, which is what keeps a certificate in the tens of
//!   kilobytes instead of the 760 KB of the whole font.
//! - `miniz_oxide` compresses the streams (content, font files, ToUnicode maps); `flate2`
//!   would only wrap it.
//! - `unicode-normalization` (already in the workspace through other crates) puts text in
//!   NFC, so accented names typed with combining marks get the font's precomposed glyphs.
//! - The font tables are read by hand (`sfnt`, some 250 lines), because the alternatives
//!   cost more than the few tables needed: `ttf-parser` is marked unmaintained
//!   (RUSTSEC-2026-0192), and `read-fonts`/`skrifa` are some 150,000 lines plus a derive
//!   stack to compile on our two-core machines.
//! - Not `krilla`, typst's high-level PDF crate built on the first two: it pulls in image
//!   codecs, `flate2`, `skrifa` and a shaper, far more than positioned text needs. Not
//!   `printpdf`: its text layout brings in the azul layout engine.
//!
//! The fonts are DejaVu Sans 2.37 under the Bitstream Vera licence (`fonts/LICENSE`); each
//! PDF carries a subset with the font's copyright and licence names intact.

mod document;
mod font;
mod sfnt;
mod units;
mod wrap;
mod write;

pub use document::{DateError, DateTime, Document, Metadata, Output, Page, PageSize, Paint, Rgb};
pub use font::{Fonts, Weight};
pub use units::{Mm, Pt};

/// Failures of the writer. Neither depends on the text or the numbers drawn: both mean the
/// fonts compiled into the crate are broken, which its tests rule out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("the embedded font {font} cannot be read: {reason}")]
    Font {
        font: &'static str,
        reason: &'static str,
    },
    #[error("the embedded font {font} cannot be subset: {reason}")]
    Subset { font: &'static str, reason: String },
}
