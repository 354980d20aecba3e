//! The file's skeleton: header and end marker, cross-reference offsets, trailer, page tree,
//! metadata, and that the same document always gives the same bytes.

use iln_pdf::{DateError, DateTime, Document, Metadata, Mm, PageSize, Pt, Weight};

use crate::common::{NAMES, fonts, lines_document, read};

#[test]
fn starts_with_the_header_and_ends_with_the_end_marker() {
    let output = lines_document(&NAMES);
    assert!(output.bytes.starts_with(b"%PDF-1."));
    // A binary marker comment on the second line tells transfer tools the file is binary.
    assert!(output.bytes[9..15].iter().any(|&b| b >= 128));
    assert!(output.bytes.ends_with(b"%%EOF"));
}

#[test]
fn every_cross_reference_offset_points_at_its_object() {
    let output = lines_document(&NAMES);
    let pdf = read(&output);
    assert!(pdf.offsets.len() > 10);
    let largest = *pdf.offsets.keys().last().unwrap();
    // Objects are numbered 1..=n without gaps, and the trailer's /Size is n + 1.
    assert_eq!(pdf.offsets.len() as u32, largest);
    assert!(pdf.trailer.contains(&format!("/Size {}", largest + 1)));
    for (&id, &offset) in &pdf.offsets {
        let header = format!("{id} 0 obj");
        assert!(
            pdf.bytes[offset..].starts_with(header.as_bytes()),
            "object {id} is not at offset {offset}"
        );
        // The reader's own object lookup must stop at this object's end.
        assert!(pdf.object(id).starts_with(header.as_bytes()));
    }
}

#[test]
fn the_trailer_names_the_catalog_and_the_page_tree_counts_the_pages() {
    let fonts = fonts();
    let mut document = Document::new(&fonts, PageSize::A4);
    document
        .add_page()
        .text(Mm(20.0), Mm(20.0), Pt(12.0), Weight::Regular, NAMES[0]);
    document
        .add_page()
        .text(Mm(20.0), Mm(20.0), Pt(12.0), Weight::Bold, NAMES[1]);
    let output = document.finish().unwrap();
    let pdf = read(&output);
    assert!(pdf.dict(pdf.root()).contains("/Type /Catalog"));
    let tree = pdf.reference(pdf.root(), "/Pages");
    assert!(pdf.dict(tree).contains("/Count 2"));
    let pages = pdf.pages();
    assert_eq!(pages.len(), 2);
    assert_eq!(pdf.page_text(pages[0]), [NAMES[0]]);
    assert_eq!(pdf.page_text(pages[1]), [NAMES[1]]);
    for page in pages {
        let dict = pdf.dict(page);
        assert!(dict.contains("/Type /Page"));
        assert!(dict.contains(&format!("/Parent {tree} 0 R")));
    }
}

#[test]
fn the_media_box_is_the_page_size_in_points() {
    let fonts = fonts();
    for (size, expected) in [
        (PageSize::A4, "[0 0 595.28 841.89]"),
        (PageSize::A4.landscape(), "[0 0 841.89 595.28]"),
        (PageSize::LETTER, "[0 0 612 792]"),
    ] {
        let mut document = Document::new(&fonts, size);
        document.add_page();
        let pdf = read(&document.finish().unwrap());
        let dict = pdf.dict(pdf.pages()[0]);
        assert!(dict.contains(&format!("/MediaBox {expected}")), "{dict}");
    }
}

#[test]
fn custom_page_sizes_are_kept_within_what_pdf_allows() {
    assert_eq!(PageSize::new(Mm(100.0), Mm(50.0)).width(), Mm(100.0));
    let tiny = PageSize::new(Mm(0.0), Mm(f32::NAN));
    assert!(tiny.width().to_pt().0 >= 3.0 && tiny.height().to_pt().0 >= 3.0);
    let huge = PageSize::new(Mm(f32::INFINITY), Mm(1.0e9));
    assert!(huge.width().to_pt().0 <= 14_400.0 && huge.height().to_pt().0 <= 14_400.0);
}

#[test]
fn metadata_is_written_to_the_information_dictionary() {
    let fonts = fonts();
    let created = DateTime::utc(2026, 5, 21, 9, 30, 5).unwrap();
    let metadata = Metadata {
        title: Some("Ιωάννης".into()),
        author: Some("ILN".into()),
        subject: Some("Round 3".into()),
        created: Some(created),
    };
    let mut document = Document::new(&fonts, PageSize::A4).with_metadata(metadata);
    document.add_page();
    let pdf = read(&document.finish().unwrap());
    let info = pdf.dict(pdf.info());
    // Non-ASCII text strings are UTF-16BE with a byte order mark.
    let title: String = "Ιωάννης"
        .encode_utf16()
        .map(|u| format!("{u:04X}"))
        .collect();
    assert!(
        info.to_uppercase().contains(&format!("<FEFF{title}>")),
        "{info}"
    );
    assert!(info.contains("/Author (ILN)"));
    assert!(info.contains("/Subject (Round 3)"));
    assert!(info.contains("/CreationDate (D:20260521093005Z)"), "{info}");
    assert!(pdf.dict(pdf.root()).contains("/DisplayDocTitle true"));
}

#[test]
fn dates_are_checked_when_made() {
    let day = |year, month, day| Err(DateError::Day { year, month, day });
    let cases = [
        ((2024, 2, 29, 0, 0, 0), None),
        ((2000, 2, 29, 23, 59, 59), None),
        ((2023, 2, 29, 0, 0, 0), Some(day(2023, 2, 29))),
        ((1900, 2, 29, 0, 0, 0), Some(day(1900, 2, 29))),
        ((2026, 4, 31, 0, 0, 0), Some(day(2026, 4, 31))),
        ((2026, 1, 0, 0, 0, 0), Some(day(2026, 1, 0))),
        ((2026, 13, 1, 0, 0, 0), Some(Err(DateError::Month(13)))),
        ((0, 1, 1, 0, 0, 0), Some(Err(DateError::Year(0)))),
        (
            (2026, 1, 1, 24, 0, 0),
            Some(Err(DateError::Time {
                hour: 24,
                minute: 0,
                second: 0,
            })),
        ),
        (
            (2026, 1, 1, 0, 0, 60),
            Some(Err(DateError::Time {
                hour: 0,
                minute: 0,
                second: 60,
            })),
        ),
    ];
    for ((y, mo, d, h, mi, s), error) in cases {
        let made = DateTime::utc(y, mo, d, h, mi, s);
        match error {
            None => assert!(made.is_ok(), "{y}-{mo}-{d} {h}:{mi}:{s}"),
            Some(error) => assert_eq!(made, error),
        }
    }
}

#[test]
fn only_the_weights_drawn_are_embedded() {
    let fonts = fonts();
    let mut document = Document::new(&fonts, PageSize::A4);
    document
        .add_page()
        .text(Mm(20.0), Mm(20.0), Pt(12.0), Weight::Bold, "Bold only");
    let pdf = read(&document.finish().unwrap());
    let page_fonts = pdf.page_fonts(pdf.pages()[0]);
    assert_eq!(page_fonts.keys().collect::<Vec<_>>(), ["F2"]);
    let type0 = pdf.dict(page_fonts["F2"]);
    assert!(type0.contains("/Subtype /Type0") && type0.contains("/Encoding /Identity-H"));
    // The subset tag: six capitals and a plus before the PostScript name.
    let base = type0
        .split("/BaseFont /")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let (tag, name) = base.split_once('+').unwrap();
    assert!(
        tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
        "{base}"
    );
    assert_eq!(name, "DejaVuSans-Bold");
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    assert_eq!(lines_document(&NAMES).bytes, lines_document(&NAMES).bytes);
}
