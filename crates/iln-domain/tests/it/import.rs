//! The import's reading of rows against anything a file may hold: random headers, random
//! cells (quotes, commas, line breaks, control characters, any Unicode), rows shorter or
//! longer than the header, and random translations. Nothing panics; every problem names a
//! line of the file; a row is ready only when it has no problem.

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::application::InterestCatalogue;
use iln_domain::import::{Field, Mapping, RawRow, preview, suggest};
use proptest::prelude::*;

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("15+ years".to_owned()),
        Just("USA".to_owned()),
        Just("Open access, Social media".to_owned()),
        Just("a@example.org".to_owned()),
        Just("English; Spanish,".to_owned()),
        "[ -~]{0,30}",
        "\\PC{0,20}",
        any::<String>(),
    ]
}

fn header() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            Just("Email Address".to_owned()),
            Just("Your name".to_owned()),
            Just("Country".to_owned()),
            Just("Years of experience".to_owned()),
            Just("Areas of interest".to_owned()),
            Just("Timestamp".to_owned()),
            "\\PC{0,15}",
        ],
        0..12,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_rows_never_panic_and_problems_name_their_lines(
        header in header(),
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..14), 0..12),
        values in prop::collection::vec(("\\PC{0,10}", "\\PC{0,6}"), 0..4),
        keep in any::<bool>(),
    ) {
        let mut mapping = suggest(&header);
        mapping.keep_others_as_notes = keep;
        let mut translations = BTreeMap::new();
        for (text, value) in values {
            translations.insert(Mapping::value_key(&text), value);
        }
        mapping.values.insert(Field::Country, translations);
        let raw: Vec<RawRow> = rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| RawRow { line: i as u64 + 2, cells })
            .collect();
        let lines: BTreeSet<u64> = raw.iter().map(|r| r.line).collect();
        let checked = preview(
            &header,
            &raw,
            &mapping,
            &InterestCatalogue::default_topics(),
            &BTreeSet::new(),
        );
        prop_assert_eq!(checked.rows.len(), raw.len());
        for row in &checked.rows {
            for problem in &row.problems {
                prop_assert_eq!(problem.line, row.line);
                prop_assert!(lines.contains(&problem.line));
            }
            if row.problems.is_empty() {
                prop_assert!(row.application.is_some());
            }
        }
        for unknown in &checked.unknown {
            prop_assert!(!unknown.lines.is_empty());
        }
        let ready = checked.ready(&BTreeSet::new());
        prop_assert_eq!(ready.is_ok(), checked.rows_with_problems().count() == 0);
    }
}
