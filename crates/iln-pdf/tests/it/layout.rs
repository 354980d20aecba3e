//! Measuring and wrapping: widths as the font gives them, lines that fit, words kept whole
//! where they can be.

use iln_pdf::{Mm, Pt, Weight};

use crate::common::{NAMES, fonts};

#[test]
fn widths_come_from_the_font_and_scale_with_the_size() {
    let fonts = fonts();
    // DejaVu Sans 'A' advances 1401 of 2048 units: at 10 pt that is 6.8408 pt, 2.4133 mm.
    let a = fonts.text_width(Pt(10.0), Weight::Regular, "A");
    assert!((a.0 - 2.4133).abs() < 0.0005, "{a:?}");
    for name in NAMES {
        for weight in [Weight::Regular, Weight::Bold] {
            let small = fonts.text_width(Pt(12.0), weight, name);
            let large = fonts.text_width(Pt(24.0), weight, name);
            assert!(small.0 > 10.0, "{name}: {small:?}");
            assert!((large.0 - 2.0 * small.0).abs() < 0.001);
        }
    }
    assert!(
        fonts.text_width(Pt(12.0), Weight::Bold, NAMES[0])
            > fonts.text_width(Pt(12.0), Weight::Regular, NAMES[0])
    );
}

#[test]
fn invisible_characters_take_no_room_and_replacements_do() {
    let fonts = fonts();
    assert_eq!(fonts.text_width(Pt(12.0), Weight::Regular, ""), Mm(0.0));
    assert_eq!(
        fonts.text_width(Pt(12.0), Weight::Regular, "\u{200B}\n\t\u{AD}\u{FEFF}"),
        Mm(0.0)
    );
    assert_eq!(
        fonts.text_width(Pt(12.0), Weight::Regular, "soft\u{AD}ware"),
        fonts.text_width(Pt(12.0), Weight::Regular, "software")
    );
    assert!(fonts.text_width(Pt(12.0), Weight::Regular, "王").0 > 1.0);
}

#[test]
fn unsupported_lists_what_would_be_replaced() {
    let fonts = fonts();
    assert!(
        fonts
            .unsupported(Weight::Regular, &NAMES.join(" "))
            .is_empty()
    );
    assert!(fonts.unsupported(Weight::Bold, &NAMES.join(" ")).is_empty());
    assert_eq!(
        fonts.unsupported(Weight::Regular, "王小明 王"),
        ['王', '小', '明']
    );
    // Scripts that need shaping count as unsupported even where DejaVu has the letters.
    assert_eq!(fonts.unsupported(Weight::Regular, "שרה"), ['ש', 'ר', 'ה']);
    assert_eq!(fonts.unsupported(Weight::Regular, "مريم").len(), 3);
}

#[test]
fn wrapped_lines_fit_and_keep_every_word_in_order() {
    let fonts = fonts();
    let text = format!(
        "{} took part in round 3 with a partner in Viet Nam. ",
        NAMES.join(", ")
    )
    .repeat(5);
    for max in [Mm(40.0), Mm(80.0), Mm(170.0)] {
        let lines = fonts.wrap(&text, Pt(11.0), Weight::Regular, max);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(
                fonts.text_width(Pt(11.0), Weight::Regular, line) <= max,
                "{line:?} is wider than {max:?}"
            );
            assert!(!line.starts_with(' ') && !line.ends_with(' '));
        }
        assert_eq!(
            lines.join(" ").split(' ').collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        // Greedy: the next line's first word would not have fitted on the line before.
        for pair in lines.windows(2) {
            let first_word = pair[1].split(' ').next().unwrap();
            let longer = format!("{} {first_word}", pair[0]);
            assert!(fonts.text_width(Pt(11.0), Weight::Regular, &longer) > max);
        }
    }
}

#[test]
fn line_breaks_start_new_lines_and_spaces_collapse() {
    let fonts = fonts();
    let lines = fonts.wrap(
        "one  two\n\nthree\r\nfour ",
        Pt(11.0),
        Weight::Regular,
        Mm(150.0),
    );
    assert_eq!(lines, ["one two", "", "three", "four"]);
    assert_eq!(fonts.wrap("", Pt(11.0), Weight::Regular, Mm(150.0)), [""]);
}

#[test]
fn a_no_break_space_keeps_its_neighbours_together() {
    let fonts = fonts();
    let max = fonts.text_width(Pt(11.0), Weight::Regular, "Zoë\u{A0}O'Brien-Núñez");
    let lines = fonts.wrap(
        "Zoë\u{A0}O'Brien-Núñez and friends",
        Pt(11.0),
        Weight::Regular,
        max,
    );
    assert_eq!(lines, ["Zoë\u{A0}O'Brien-Núñez", "and friends"]);
}

#[test]
fn a_word_wider_than_the_line_is_broken_between_letters_not_accents() {
    let fonts = fonts();
    // q with a tilde has no precomposed form, so the mark stays a separate character.
    let word = "q\u{303}".repeat(40);
    let max = Mm(20.0);
    let lines = fonts.wrap(&word, Pt(11.0), Weight::Regular, max);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), word);
    for line in &lines {
        assert!(line.starts_with('q'), "{line:?}");
        assert!(fonts.text_width(Pt(11.0), Weight::Regular, line) <= max);
    }
}

#[test]
fn no_width_is_too_small_to_wrap_into() {
    let fonts = fonts();
    for max in [Mm(0.0), Mm(-5.0), Mm(f32::NAN), Mm(f32::NEG_INFINITY)] {
        let lines = fonts.wrap("Ιωάννης Παπαδόπουλος", Pt(11.0), Weight::Bold, max);
        // One letter a line: nothing fits, and a line always takes at least one.
        assert_eq!(
            lines.len(),
            "ΙωάννηςΠαπαδόπουλος".chars().count(),
            "{lines:?}"
        );
    }
    let lines = fonts.wrap("a b", Pt(11.0), Weight::Bold, Mm(f32::INFINITY));
    assert_eq!(lines, ["a b"]);
}

#[test]
fn fonts_print_their_numbers_not_their_bytes() {
    let printed = format!("{:?}", fonts());
    assert!(printed.contains("units_per_em: 2048"), "{printed}");
    assert!(printed.len() < 1000);
}
