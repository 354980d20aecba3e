//! What several test modules share: the fonts, the names a certificate must print, and a
//! one-call way to write a document and read it back.

use iln_pdf::{Document, Fonts, Mm, Output, PageSize, Pt, Weight};

use crate::reader::Pdf;

/// Names from the network's countries, in the scripts the writer must get right.
pub const NAMES: [&str; 8] = [
    "Nguyễn Thị Minh Khai",
    "Łukasz Żółć",
    "Ιωάννης",
    "Мария Иванова",
    "Siti Nur'aini",
    "Zoë O'Brien-Núñez",
    "Þórdís Ægisdóttir",
    "Şükrü Çağlar Öztürk",
];

pub fn fonts() -> Fonts {
    Fonts::embedded().unwrap()
}

/// A document with each line drawn in turn down one A4 page, alternating the weights.
pub fn lines_document(lines: &[&str]) -> Output {
    let fonts = fonts();
    let mut document = Document::new(&fonts, PageSize::A4);
    let page = document.add_page();
    for (i, line) in lines.iter().enumerate() {
        let weight = if i.is_multiple_of(2) {
            Weight::Regular
        } else {
            Weight::Bold
        };
        page.text(Mm(20.0), Mm(20.0 + 6.5 * i as f32), Pt(11.0), weight, line);
    }
    document.finish().unwrap()
}

pub fn read(output: &Output) -> Pdf {
    Pdf::parse(&output.bytes)
}
