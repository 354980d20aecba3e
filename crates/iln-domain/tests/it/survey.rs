//! Surveys: the builder's form, the defaults, copying into a new round, answers and results.

use std::collections::BTreeSet;

use iln_domain::round::{RoundForm, RoundSettings};
use iln_domain::survey::{
    self, AnswerError, AnswerValue, QuestionError, QuestionForm, QuestionKey, QuestionKind, Survey,
    SurveyError, SurveyForm, SurveyKind, Tally,
};
use jiff::civil::date;

fn settings(starts: &str, zone: &str) -> RoundSettings {
    RoundSettings::parse(&RoundForm {
        name: "2027 Round 1".to_owned(),
        time_zone: zone.to_owned(),
        opens: "2027-01-04".to_owned(),
        closes: "2027-01-31".to_owned(),
        matching: "2027-02-07".to_owned(),
        starts: starts.to_owned(),
        languages: "en".to_owned(),
        ..RoundForm::default()
    })
    .unwrap_or_else(|e| panic!("{e:?}"))
}

fn question(prompt: &str, kind: &str, options: &str) -> QuestionForm {
    QuestionForm {
        prompt: prompt.to_owned(),
        kind: kind.to_owned(),
        options: options.to_owned(),
        low: "Poor".to_owned(),
        high: "Great".to_owned(),
        required: true,
        ..QuestionForm::default()
    }
}

fn form() -> SurveyForm {
    SurveyForm {
        title: " Mid-round check ".to_owned(),
        kind: "mid_round".to_owned(),
        intro: "Five minutes.\r\n".to_owned(),
        opens_on: "2027-04-01".to_owned(),
        closes_on: "2027-04-14".to_owned(),
        anonymous: true,
        reminders: "10, 5".to_owned(),
        questions: vec![
            question("How satisfied are you?", "rating", ""),
            question(
                "How often are you in touch?",
                "single",
                "Weekly\nMonthly\n\n",
            ),
            question("How do you keep in touch?", "multiple", "Email\nVideo"),
            question("Anything else?", "text", ""),
            QuestionForm::default(),
        ],
    }
}

#[test]
fn a_survey_form_parses_with_keys_for_new_questions() {
    let s = settings("2027-02-15", "UTC");
    let parsed = Survey::parse(&form(), &s).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(parsed.title, "Mid-round check");
    assert_eq!(parsed.kind, SurveyKind::MidRound);
    assert_eq!(parsed.intro, "Five minutes.");
    assert_eq!(parsed.reminders, vec![5, 10]);
    assert_eq!(parsed.questions.len(), 4, "the blank block is left out");
    let keys: Vec<&str> = parsed.questions.iter().map(|q| q.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "how_satisfied_are_you",
            "how_often_are_you_in_touch",
            "how_do_you_keep_in_touch",
            "anything_else"
        ]
    );
    assert_eq!(
        parsed.questions[1].kind,
        QuestionKind::Single {
            options: vec!["Weekly".to_owned(), "Monthly".to_owned()]
        }
    );
    // The form it gives back parses to the same survey, keys and all.
    assert_eq!(Survey::parse(&parsed.form(), &s), Ok(parsed.clone()));
    // Opening at 09:00 in the round's zone, closing at the end of the last day.
    let ny = settings("2027-02-15", "America/New_York");
    let in_ny = Survey::parse(&form(), &ny).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        in_ny.opens_at(&ny).to_string(),
        "2027-04-01T13:00:00Z",
        "09:00 in New York, on summer time"
    );
    assert_eq!(in_ny.closes_at(&ny).to_string(), "2027-04-15T04:00:00Z");
    assert_eq!(
        in_ny.reminder_at(1, &ny).map(|t| t.to_string()),
        Some("2027-04-11T13:00:00Z".to_owned())
    );
    assert_eq!(in_ny.reminder_at(2, &ny), None);
}

#[test]
fn a_wrong_form_says_every_thing_wrong_with_it() {
    let s = settings("2027-02-15", "UTC");
    let mut f = form();
    f.title = " ".to_owned();
    f.kind = "weekly".to_owned();
    f.opens_on = "2027-02-01".to_owned();
    f.closes_on = "someday".to_owned();
    f.reminders = "3, x, 5, 9".to_owned();
    f.questions[0].low.clear();
    f.questions[1].options = "Weekly".to_owned();
    f.questions[2].options = "Email\nemail".to_owned();
    f.questions[3].kind = "essay".to_owned();
    let errors = Survey::parse(&f, &s).unwrap_err();
    for expected in [
        SurveyError::TitleMissing,
        SurveyError::Kind("weekly".to_owned()),
        SurveyError::OpensBeforeStart {
            on: date(2027, 2, 1),
            starts: date(2027, 2, 15),
        },
        SurveyError::ClosesOn("someday".to_owned()),
        SurveyError::Reminder("x".to_owned()),
        SurveyError::TooManyReminders,
        SurveyError::Question(0, QuestionError::LabelsMissing),
        SurveyError::Question(1, QuestionError::TooFewOptions),
        SurveyError::Question(2, QuestionError::DuplicateOption("email".to_owned())),
        SurveyError::Question(3, QuestionError::Kind("essay".to_owned())),
    ] {
        assert!(errors.contains(&expected), "{expected:?} not in {errors:?}");
    }

    let mut f = form();
    f.closes_on = "2027-03-30".to_owned();
    let errors = Survey::parse(&f, &s).unwrap_err();
    assert!(matches!(
        errors[..],
        [SurveyError::ClosesBeforeOpening { .. }]
    ));
    f.closes_on = "2027-04-08".to_owned();
    let errors = Survey::parse(&f, &s).unwrap_err();
    assert_eq!(errors, vec![SurveyError::ReminderAfterClosing(10)]);
    f.closes_on = "2027-09-08".to_owned();
    assert!(
        Survey::parse(&f, &s)
            .unwrap_err()
            .contains(&SurveyError::OpenTooLong)
    );
    // Every question removed: nothing to ask.
    let mut f = form();
    for q in &mut f.questions {
        q.remove = true;
    }
    assert_eq!(
        Survey::parse(&f, &s).unwrap_err(),
        vec![SurveyError::NoQuestions]
    );
    // Long text and odd characters are refused or kept, never a panic.
    let mut f = form();
    f.title = "é".repeat(201);
    f.questions[0].prompt = "Ü".repeat(501);
    let errors = Survey::parse(&f, &s).unwrap_err();
    assert!(errors.contains(&SurveyError::TitleTooLong));
    assert!(errors.contains(&SurveyError::Question(0, QuestionError::PromptTooLong)));
}

#[test]
fn keys_stay_when_sent_back_and_new_ones_never_clash() {
    let s = settings("2027-02-15", "UTC");
    let mut f = form();
    f.questions[0].key = "satisfaction".to_owned();
    // A key sent twice (a copied block) keeps it for the first and gives the second a new one.
    f.questions[1].key = "satisfaction".to_owned();
    f.questions[2].prompt = "Satisfaction".to_owned();
    let parsed = Survey::parse(&f, &s).unwrap_or_else(|e| panic!("{e:?}"));
    let keys: BTreeSet<&str> = parsed.questions.iter().map(|q| q.key.as_str()).collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(parsed.questions[0].key.as_str(), "satisfaction");
    assert_eq!(parsed.questions[2].key.as_str(), "satisfaction_2");
    // Keys from outside are checked: only lowercase letters, digits and underscores.
    assert!(QuestionKey::parse("a-b").is_none());
    assert!(QuestionKey::parse("").is_none());
    assert!(QuestionKey::parse(&"a".repeat(49)).is_none());
    assert_eq!(
        QuestionKey::for_prompt("¿Qué tal?", &BTreeSet::new()).as_str(),
        "qu_tal"
    );
    assert_eq!(
        QuestionKey::for_prompt("???", &BTreeSet::new()).as_str(),
        "q"
    );
}

#[test]
fn the_defaults_ask_the_real_programs_questions_and_copy_into_a_new_round() {
    let first = settings("2027-02-15", "UTC");
    let [mid, end] = survey::defaults(&first);
    assert_eq!(mid.kind, SurveyKind::MidRound);
    assert_eq!(end.kind, SurveyKind::EndOfRound);
    assert_eq!(end.opens_on, first.ends.tomorrow().unwrap());
    assert!(mid.opens_on > first.starts && mid.opens_on < first.ends);
    // The same questions in both, so they can be compared through the round.
    for key in ["satisfaction", "contact_frequency"] {
        let key = QuestionKey::parse(key).unwrap_or_else(|| panic!("{key}"));
        assert!(mid.question(&key).is_some() && end.question(&key).is_some());
    }
    // Each default parses back from its own form for its round.
    for s in [&mid, &end] {
        assert_eq!(Survey::parse(&s.form(), &first).as_ref(), Ok(s));
    }
    // Copied into a round starting 26 weeks later: same keys, days moved with it.
    let next = settings("2027-08-16", "UTC");
    let copied = mid.copied_for(&first, &next);
    assert_eq!(copied.questions, mid.questions);
    assert_eq!(
        first.starts.until(mid.opens_on).unwrap().get_days(),
        next.starts.until(copied.opens_on).unwrap().get_days()
    );
    assert!(Survey::parse(&copied.form(), &next).is_ok());
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn answers_are_read_and_checked_question_by_question() {
    let s = settings("2027-02-15", "UTC");
    let mut f = form();
    f.questions[3].required = false;
    let survey = Survey::parse(&f, &s).unwrap_or_else(|e| panic!("{e:?}"));
    let keys: Vec<String> = survey
        .questions
        .iter()
        .map(|q| q.key.as_str().to_owned())
        .collect();
    let ok = survey
        .parse_response(&fields(&[
            (&keys[0], "4"),
            (&keys[1], "Monthly"),
            (&keys[2], "Video"),
            (&keys[2], "Email"),
            (&keys[3], "  "),
            ("somebody_else", "x"),
        ]))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(ok.answers.len(), 3, "blank optional text is no answer");
    assert_eq!(
        ok.answers.get(&survey.questions[2].key),
        Some(&AnswerValue::Choices(vec![
            "Email".to_owned(),
            "Video".to_owned()
        ])),
        "in the question's order"
    );

    let errors = survey
        .parse_response(&fields(&[
            (&keys[0], "6"),
            (&keys[1], "Weekly"),
            (&keys[1], "Monthly"),
            (&keys[2], "Carrier pigeon"),
            (&keys[3], &"x".repeat(5_001)),
        ]))
        .unwrap_err();
    let kinds: Vec<&AnswerError> = errors.iter().map(|(_, e)| e).collect();
    assert_eq!(
        kinds,
        vec![
            &AnswerError::NotAPoint("6".to_owned()),
            &AnswerError::OneOnly,
            &AnswerError::NotAnOption("Carrier pigeon".to_owned()),
            &AnswerError::TooLong,
        ]
    );
    let missing = survey.parse_response(&[]).unwrap_err();
    assert_eq!(missing.len(), 3, "the three required ones: {missing:?}");
}

#[test]
fn results_add_up_and_free_text_hides_below_the_threshold() {
    let s = settings("2027-02-15", "UTC");
    let survey = Survey::parse(&form(), &s).unwrap_or_else(|e| panic!("{e:?}"));
    let k: Vec<String> = survey
        .questions
        .iter()
        .map(|q| q.key.as_str().to_owned())
        .collect();
    let responses: Vec<_> = [
        ("5", "Weekly", "Email", "Lovely"),
        ("4", "Weekly", "Video", "Good"),
        ("2", "Monthly", "Email", "Slow"),
        ("4", "Monthly", "Email", "Fine"),
    ]
    .iter()
    .map(|(r, c, w, t)| {
        survey
            .parse_response(&fields(&[(&k[0], r), (&k[1], c), (&k[2], w), (&k[3], t)]))
            .unwrap_or_else(|e| panic!("{e:?}"))
    })
    .collect();
    let refs: Vec<_> = responses.iter().collect();
    let results = survey::tally(&survey, &refs, Some(survey::FREE_TEXT_MIN_ANSWERS));
    match &results[0].tally {
        Tally::Rating {
            counts, average, ..
        } => {
            assert_eq!(counts, &[0, 1, 0, 2, 1]);
            assert_eq!(*average, Some(3.75));
        }
        other => panic!("{other:?}"),
    }
    match &results[2].tally {
        Tally::Choices { multiple, counts } => {
            assert!(*multiple);
            assert_eq!(
                counts,
                &vec![("Email".to_owned(), 3), ("Video".to_owned(), 1)]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        results[3].tally,
        Tally::Text {
            answers: Vec::new(),
            hidden: true
        },
        "four answers are fewer than five"
    );
    assert_eq!(results[3].answered, 4);
    let shown = survey::tally(&survey, &refs, None);
    assert!(
        matches!(&shown[3].tally, Tally::Text { answers, hidden: false } if answers.len() == 4)
    );
    // Nobody answered: no average, zero counts, never a division by zero.
    let empty = survey::tally(&survey, &[], Some(5));
    assert!(matches!(
        empty[0].tally,
        Tally::Rating { average: None, .. }
    ));
}
