//! The `u v w` edge-list format: parsing, errors with line numbers, and the JSON output.

use iln_matching::edgelist::{JsonExtras, LineError, parse, to_json};
use iln_matching::{Mode, Options, solve, verify};
use proptest::prelude::*;

#[test]
fn parses_ids_comments_blank_lines_and_tabs() {
    let list =
        parse("# a round\n\n  100 7 5\n7\t42\t-3\n   # indented comment\n42 100 0\n").unwrap();
    assert_eq!(list.ids, vec![7, 42, 100]);
    assert_eq!(list.graph.node_count(), 3);
    assert_eq!(list.graph.edge_count(), 3);
    assert_eq!(list.graph.weight(2, 0), Some(5));
    assert_eq!(list.graph.weight(0, 1), Some(-3));
}

#[test]
fn empty_input_gives_weight_zero_and_no_pairs() {
    for text in ["", "\n\n", "# nothing\n"] {
        let list = parse(text).unwrap();
        let m = solve(&list.graph, Options::default()).unwrap();
        assert_eq!(
            to_json(&list, &m, &JsonExtras::default()),
            r#"{"weight": 0, "cardinality": 0, "pairs": [], "mode": "max_weight", "nodes": 0, "edges": 0, "unmatched": 0}"#
        );
    }
}

#[test]
fn errors_name_the_line_and_the_problem() {
    let cases = [
        ("1 2 3\n1 2\n", 2, LineError::FieldCount(2)),
        ("1 2 3 4\n", 1, LineError::FieldCount(4)),
        ("\n# c\n-1 2 3\n", 3, LineError::BadNode("-1".into())),
        ("a 2 3\n", 1, LineError::BadNode("a".into())),
        ("1 2 3.5\n", 1, LineError::BadWeight("3.5".into())),
        (
            "1 2 99999999999999999999\n",
            1,
            LineError::BadWeight("99999999999999999999".into()),
        ),
        (
            "1 2 2000000000000\n",
            1,
            LineError::WeightOutOfRange(2_000_000_000_000),
        ),
        ("5 6 1\n5 5 1\n", 2, LineError::SelfLoop(5)),
    ];
    for (text, line, error) in cases {
        let e = parse(text).unwrap_err();
        assert_eq!((e.line, &e.error), (line, &error), "{text:?}");
    }
    let message = parse("1 2 3\n4 5 x\n").unwrap_err().to_string();
    assert_eq!(message, "line 2: weight `x` is not an integer");
}

#[test]
fn duplicate_edges_count_the_heaviest_either_way_round() {
    let list = parse("1 2 4\n2 1 9\n1 2 1\n").unwrap();
    let m = solve(&list.graph, Options::default()).unwrap();
    assert_eq!(m.weight(), 9);
    verify(&list.graph, &m).unwrap();
}

#[test]
fn json_reports_pairs_in_original_ids_and_extras() {
    let list = parse("10 20 5\n20 30 6\n30 40 5\n").unwrap();
    let m = solve(&list.graph, Options::new(Mode::Fairness)).unwrap();
    let extras = JsonExtras {
        certified: Some(true),
        timings: vec![("solve", 0.5)],
    };
    assert_eq!(
        to_json(&list, &m, &extras),
        r#"{"weight": 10, "cardinality": 2, "pairs": [[10, 20], [30, 40]], "mode": "fairness", "nodes": 4, "edges": 3, "unmatched": 0, "floor": 5, "certified": true, "timings": {"solve": 0.500000}}"#
    );
}

proptest! {
    /// Arbitrary text never panics: it parses or names a line that exists.
    #[test]
    fn arbitrary_text_parses_or_names_a_real_line(text in "[0-9 \\-#a\\t\\n]{0,200}") {
        match parse(&text) {
            Ok(list) => prop_assert!(list.graph.edge_count() <= text.lines().count()),
            Err(e) => prop_assert!(e.line >= 1 && e.line <= text.lines().count()),
        }
    }
}
