//! The size bound: a certificate page of about forty lines stays small because only the
//! glyphs drawn are embedded.

use iln_pdf::{DateTime, Document, Metadata, Mm, PageSize, Paint, Pt, Weight};

use crate::common::{NAMES, fonts, read};

#[test]
fn a_page_of_forty_lines_stays_under_sixty_kilobytes() {
    let fonts = fonts();
    let size = PageSize::A4;
    let metadata = Metadata {
        title: Some("Nguyễn Thị Minh Khai".into()),
        author: Some("ILN".into()),
        subject: None,
        created: Some(DateTime::utc(2026, 6, 30, 12, 0, 0).unwrap()),
    };
    let mut document = Document::new(&fonts, size).with_metadata(metadata);
    let page = document.add_page();
    page.rect(
        Mm(10.0),
        Mm(10.0),
        size.width() - Mm(20.0),
        size.height() - Mm(20.0),
        Paint::Stroke(Pt(1.5)),
    );
    let heading = "Nguyễn Thị Minh Khai";
    let width = fonts.text_width(Pt(26.0), Weight::Bold, heading);
    page.text(
        (size.width() - width) / 2.0,
        Mm(40.0),
        Pt(26.0),
        Weight::Bold,
        heading,
    );
    page.rule(
        Mm(30.0),
        Mm(46.0),
        size.width() - Mm(30.0),
        Mm(46.0),
        Pt(0.5),
    );
    let paragraph = format!(
        "Round 2026-1, 1 February to 30 June 2026, with a partner in Poland. Partners: {}. \
         Topics: open access, cataloguing in many scripts, library services for refugees, \
         digitising local newspapers, reading clubs for teenagers, Ελληνικά και Русский язык.",
        NAMES.join(", ")
    );
    let mut lines = fonts.wrap(&paragraph, Pt(11.0), Weight::Regular, Mm(150.0));
    for day in 1..=40 {
        if lines.len() >= 39 {
            break;
        }
        lines.push(format!(
            "2026-03-{day:02}  video call with {} — 45 min",
            NAMES[day % NAMES.len()]
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        page.text(
            Mm(30.0),
            Mm(60.0 + 5.5 * i as f32),
            Pt(11.0),
            Weight::Regular,
            line,
        );
    }
    let output = document.finish().unwrap();
    assert!(output.missing.is_empty());
    eprintln!(
        "a page of {} lines is {} bytes",
        lines.len() + 1,
        output.bytes.len()
    );
    assert!(output.bytes.len() < 60_000, "{} bytes", output.bytes.len());
    let pdf = read(&output);
    assert_eq!(pdf.page_text(pdf.pages()[0]).len(), lines.len() + 1);
}
