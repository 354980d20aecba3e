//! Text as a reader sees it: every glyph drawn maps back to its characters through the
//! ToUnicode map, has its real width in the /W array, and the embedded subset agrees.

use iln_pdf::{Document, Mm, PageSize, Pt, Weight};
use unicode_normalization::UnicodeNormalization;

use crate::common::{NAMES, fonts, lines_document, read};
use crate::reader::font_widths;

#[test]
fn names_round_trip_through_the_to_unicode_map() {
    let output = lines_document(&NAMES);
    assert!(output.missing.is_empty(), "{:?}", output.missing);
    let pdf = read(&output);
    assert_eq!(pdf.page_text(pdf.pages()[0]), NAMES);
}

#[test]
fn names_typed_with_combining_accents_print_with_precomposed_letters() {
    let decomposed = "Nguye\u{302}\u{303}n Thi\u{323} Z\u{307}o\u{301}\u{142}c\u{301}";
    let output = lines_document(&[decomposed]);
    assert!(output.missing.is_empty());
    let pdf = read(&output);
    assert_eq!(pdf.page_text(pdf.pages()[0]), ["Nguyễn Thị Żółć"]);
    let fonts = fonts();
    assert_eq!(
        fonts.text_width(Pt(11.0), Weight::Regular, decomposed),
        fonts.text_width(Pt(11.0), Weight::Regular, "Nguyễn Thị Żółć")
    );
}

#[test]
fn every_glyph_drawn_has_a_map_entry_and_a_width() {
    let output = lines_document(&NAMES);
    let pdf = read(&output);
    let page_fonts = pdf.page_fonts(pdf.pages()[0]);
    assert_eq!(page_fonts.len(), 2);
    for font in page_fonts.values() {
        let widths = pdf.widths(*font);
        let map = pdf.to_unicode(*font);
        // The subset has .notdef, the glyphs drawn, and the parts of composite glyphs (an
        // accented letter built from a letter and an accent), which are never drawn alone.
        assert!(!map.is_empty() && map.len() < widths.len());
        for (gid, text) in &map {
            assert!(usize::from(*gid) < widths.len());
            assert!(
                widths[usize::from(*gid)] > 0.0,
                "glyph {gid} for {text:?} has no width"
            );
        }
    }
}

#[test]
fn the_widths_written_are_those_of_the_embedded_subset() {
    let output = lines_document(&NAMES);
    let pdf = read(&output);
    for font in pdf.page_fonts(pdf.pages()[0]).values() {
        let file = pdf.font_file(*font);
        assert_eq!(&file[..4], &[0, 1, 0, 0], "a TrueType font file");
        // The subset keeps about what was drawn, not DejaVu's 700 KB.
        assert!(file.len() < 40_000, "subset is {} bytes", file.len());
        let dict = pdf.dict(pdf.font_file_id(*font));
        assert!(dict.contains(&format!("/Length1 {}", file.len())), "{dict}");
        let written = pdf.widths(*font);
        let embedded = font_widths(&file);
        // /W covers the glyphs drawn, which come first; the parts of composite glyphs the
        // subsetter adds after them are never shown on their own and need no width.
        assert!(written.len() > 10 && written.len() <= embedded.len());
        for (gid, (w, e)) in written.iter().zip(&embedded).enumerate() {
            assert!(
                (w - e).abs() < 0.01,
                "glyph {gid}: /W says {w}, the font {e}"
            );
        }
    }
}

#[test]
fn kerned_pairs_are_set_closer_and_still_read_back() {
    let fonts = fonts();
    let kerned = fonts.text_width(Pt(20.0), Weight::Bold, "AV");
    let apart = fonts.text_width(Pt(20.0), Weight::Bold, "A")
        + fonts.text_width(Pt(20.0), Weight::Bold, "V");
    assert!(kerned < apart, "{kerned:?} {apart:?}");

    let mut document = Document::new(&fonts, PageSize::A4);
    document
        .add_page()
        .text(Mm(20.0), Mm(20.0), Pt(20.0), Weight::Bold, "AVATAR Tova");
    let pdf = read(&document.finish().unwrap());
    let page = pdf.pages()[0];
    let content =
        String::from_utf8_lossy(&pdf.stream(pdf.reference(page, "/Contents"))).into_owned();
    // A TJ array with numbers in it: the kerning adjustments.
    let array = &content[content.find('[').unwrap()..content.find("TJ").unwrap()];
    assert!(
        array
            .split([')', '>'])
            .skip(1)
            .any(|part| part.trim_start().starts_with(|c: char| c.is_ascii_digit()))
    );
    assert_eq!(pdf.page_text(page), ["AVATAR Tova"]);
}

#[test]
fn a_character_the_font_lacks_is_drawn_as_the_replacement_glyph_and_reported() {
    let output = lines_document(&["A王B"]);
    assert_eq!(output.missing, ['王']);
    let pdf = read(&output);
    assert_eq!(pdf.page_text(pdf.pages()[0]), ["A\u{FFFD}B"]);
}

/// Every character either face can draw, subset together in one document, maps back. This
/// is also what shows that subsetting cannot fail whatever is drawn.
#[test]
fn every_drawable_character_subsets_and_round_trips() {
    let fonts = fonts();
    for weight in [Weight::Regular, Weight::Bold] {
        let drawable: Vec<char> = ('\u{20}'..='\u{10FFFF}')
            .filter(|&c| visible(c))
            .filter(|&c| c.to_string().nfc().eq([c]))
            .filter(|&c| fonts.unsupported(weight, &c.to_string()).is_empty())
            .collect();
        assert!(
            drawable.len() > 5000,
            "{weight:?} draws {} characters",
            drawable.len()
        );
        // Spaces between the characters keep combining marks from composing with their
        // neighbours, so what is drawn is exactly what was asked for.
        let lines: Vec<String> = drawable
            .chunks(100)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(char::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let mut document = Document::new(&fonts, PageSize::A4);
        let page = document.add_page();
        for (i, line) in lines.iter().enumerate() {
            page.text(Mm(5.0), Mm(5.0 + 4.0 * i as f32), Pt(3.0), weight, line);
        }
        let output = document.finish().unwrap();
        assert!(output.missing.is_empty());
        let pdf = read(&output);
        assert_eq!(pdf.page_text(pdf.pages()[0]), lines);
    }
}

/// Characters the writer draws as something: not controls, and not the invisible format
/// characters it leaves out (this skips all of General Punctuation's block to stay simple).
fn visible(c: char) -> bool {
    !c.is_control()
        && !matches!(c,
            '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{180B}'..='\u{180F}' | '\u{2000}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
        && c < '\u{E0000}'
}
