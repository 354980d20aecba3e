//! Inputs a caller should never have to guard against: no pages, empty pages, huge texts,
//! characters no face has, and numbers that are not numbers. None may panic, and each must
//! still give a file the reader can walk.

use iln_pdf::{Document, Mm, PageSize, Paint, Pt, Rgb, Weight};

use crate::common::{NAMES, fonts, lines_document, read};

#[test]
fn a_document_without_pages_gets_one_blank_page() {
    let output = Document::new(&fonts(), PageSize::A4).finish().unwrap();
    assert!(output.missing.is_empty());
    let pdf = read(&output);
    assert_eq!(pdf.pages().len(), 1);
    assert!(pdf.page_text(pdf.pages()[0]).is_empty());
    // Nothing was drawn, so no font is embedded.
    assert!(!String::from_utf8_lossy(&output.bytes).contains("/FontFile2"));
}

#[test]
fn an_empty_page_beside_a_full_one() {
    let fonts = fonts();
    let mut document = Document::new(&fonts, PageSize::A4);
    document.add_page();
    document
        .add_page()
        .text(Mm(20.0), Mm(20.0), Pt(12.0), Weight::Regular, NAMES[2]);
    document
        .add_page()
        .text(Mm(20.0), Mm(20.0), Pt(12.0), Weight::Regular, "");
    let pdf = read(&document.finish().unwrap());
    let pages = pdf.pages();
    assert_eq!(pages.len(), 3);
    assert!(pdf.page_text(pages[0]).is_empty());
    assert_eq!(pdf.page_text(pages[1]), [NAMES[2]]);
    assert!(pdf.page_text(pages[2]).is_empty());
}

#[test]
fn very_long_text_is_drawn_and_wrapped() {
    let fonts = fonts();
    let line = NAMES.join(" · ").repeat(1000);
    let word = "Żółć".repeat(5000);
    let paragraph = format!("{line} {word} {line}");

    let lines = fonts.wrap(&paragraph, Pt(11.0), Weight::Regular, Mm(170.0));
    assert!(lines.len() > 1000);
    for wrapped in lines.iter().take(50) {
        assert!(fonts.text_width(Pt(11.0), Weight::Regular, wrapped) <= Mm(170.0));
    }

    let mut document = Document::new(&fonts, PageSize::A4);
    let page = document.add_page();
    page.text(Mm(20.0), Mm(20.0), Pt(11.0), Weight::Regular, &paragraph);
    page.text(Mm(20.0), Mm(30.0), Pt(11.0), Weight::Bold, &word);
    let output = document.finish().unwrap();
    assert!(output.missing.is_empty());
    let pdf = read(&output);
    assert_eq!(pdf.page_text(pdf.pages()[0]), [paragraph, word]);
}

#[test]
fn text_of_only_unsupported_characters_is_replaced_and_reported() {
    let output = lines_document(&["王小明", "🎉🙏🏽👩\u{200D}💻", "مريم", "שרה כהן", "देवी"]);
    let pdf = read(&output);
    let lines = pdf.page_text(pdf.pages()[0]);
    // Each missing character becomes one replacement glyph; the joiner draws nothing.
    assert_eq!(lines[0], "\u{FFFD}".repeat(3));
    assert_eq!(lines[1], "\u{FFFD}".repeat(5));
    assert_eq!(
        lines[3],
        "\u{FFFD}\u{FFFD}\u{FFFD} \u{FFFD}\u{FFFD}\u{FFFD}"
    );
    for c in "王小明🎉🙏🏽👩💻مريمשרהכןदेवी".chars() {
        assert!(output.missing.contains(&c), "{c} not reported");
    }
    assert!(!output.missing.contains(&'\u{200D}') && !output.missing.contains(&' '));
    // Reported once each, in order of first appearance.
    assert_eq!(output.missing[..3], ['王', '小', '明']);
    let mut unique = output.missing.clone();
    unique.dedup();
    assert_eq!(unique.len(), output.missing.len());
}

#[test]
fn controls_draw_nothing_and_are_not_reported() {
    let output = lines_document(&["a\u{0}b\tc\nd\re\u{7F}f\u{200B}g"]);
    assert!(output.missing.is_empty());
    let pdf = read(&output);
    assert_eq!(pdf.page_text(pdf.pages()[0]), ["abcdefg"]);
}

#[test]
fn characters_pdf_strings_escape_round_trip() {
    // Glyph ids are written as strings; these characters give ids whose bytes need escaping.
    let text = "(a) \\ b) ( \u{0}";
    let output = lines_document(&[text, "()()\\\\"]);
    let pdf = read(&output);
    assert_eq!(pdf.page_text(pdf.pages()[0]), ["(a) \\ b) ( ", "()()\\\\"]);
}

#[test]
fn numbers_that_are_not_numbers_become_ones_a_reader_accepts() {
    let fonts = fonts();
    let mut document = Document::new(&fonts, PageSize::A4);
    let page = document.add_page();
    let odd = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1.0e30,
        -1.0e30,
        -0.0,
        f32::MIN_POSITIVE,
    ];
    for &v in &odd {
        page.text(Mm(v), Mm(v), Pt(v), Weight::Regular, "x");
        page.rule(Mm(v), Mm(0.0), Mm(10.0), Mm(v), Pt(v));
        page.rect(Mm(v), Mm(v), Mm(v), Mm(v), Paint::Stroke(Pt(v)));
        page.rect(Mm(0.0), Mm(0.0), Mm(v), Mm(-v), Paint::Fill);
    }
    page.set_color(Rgb(255, 0, 128))
        .text(Mm(10.0), Mm(10.0), Pt(1.0e9), Weight::Bold, "y");
    let output = document.finish().unwrap();
    let pdf = read(&output);
    let page = pdf.pages()[0];
    let content =
        String::from_utf8_lossy(&pdf.stream(pdf.reference(page, "/Contents"))).into_owned();
    assert!(!content.contains("NaN") && !content.contains("inf"));
    // Every number is plain decimal (PDF has no exponents) and within what readers handle.
    for token in content.split(|c: char| c.is_whitespace() || "[]()<>".contains(c)) {
        if token.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
            assert!(
                token
                    .chars()
                    .skip(1)
                    .all(|c| c.is_ascii_digit() || c == '.'),
                "{token}"
            );
            let value: f64 = token.parse().unwrap();
            assert!(value.abs() <= 32_767.0, "{value}");
        }
    }
    assert_eq!(pdf.page_text(page).concat(), "x".repeat(odd.len()) + "y");
}

#[test]
fn rules_rectangles_and_colours_are_drawn() {
    let fonts = fonts();
    let mut document = Document::new(&fonts, PageSize::A4);
    let page = document.add_page();
    page.rule(Mm(10.0), Mm(10.0), Mm(200.0), Mm(10.0), Pt(0.5));
    page.set_color(Rgb(0, 51, 102));
    page.rect(
        Mm(10.0),
        Mm(20.0),
        Mm(190.0),
        Mm(30.0),
        Paint::Stroke(Pt(2.0)),
    );
    page.rect(Mm(10.0), Mm(60.0), Mm(190.0), Mm(5.0), Paint::Fill);
    let pdf = read(&document.finish().unwrap());
    let content = String::from_utf8_lossy(&pdf.stream(pdf.reference(pdf.pages()[0], "/Contents")))
        .into_owned();
    // 10 mm from the left, 10 mm from the top of 841.89 pt: (28.35, 813.54).
    assert!(
        content.contains("0.5 w\n28.35 813.54 m\n566.93 813.54 l\nS"),
        "{content}"
    );
    assert!(content.contains("0 0.2 0.4 RG"), "{content}");
    assert!(content.contains("0 0.2 0.4 rg"), "{content}");
    // The stroked box: bottom-left corner 50 mm from the top, 190 × 30 mm.
    assert!(
        content.contains("28.35 700.16 538.58 85.04 re\nS"),
        "{content}"
    );
    assert!(content.contains("re\nf"), "{content}");
}

#[test]
fn many_pages() {
    let fonts = fonts();
    let mut document = Document::new(&fonts, PageSize::A4);
    for i in 0..200 {
        document.add_page().text(
            Mm(20.0),
            Mm(20.0),
            Pt(12.0),
            Weight::Regular,
            &format!("{} {i}", NAMES[i % 8]),
        );
    }
    let pdf = read(&document.finish().unwrap());
    let pages = pdf.pages();
    assert_eq!(pages.len(), 200);
    assert_eq!(
        pdf.page_text(pages[199]),
        [format!("{} 199", NAMES[199 % 8])]
    );
}
