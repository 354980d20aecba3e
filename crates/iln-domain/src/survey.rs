//! Surveys: what the network asks its participants in the middle and at the end of a round,
//! and how the answers add up.
//!
//! A survey has questions of four kinds (a 1-5 rating with words for its two ends, one
//! choice, several choices, free text), each required or not, and opens and closes on days
//! of its round. Every question has a key that stays the same when a survey is copied into a
//! new round, so "How satisfied are you?" can be compared round after round.
//!
//! An anonymous survey keeps its answers without the person; the web layer also hides free
//! text when too few people answered for it to stay anonymous ([`FREE_TEXT_MIN_ANSWERS`]).

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::round::RoundSettings;

/// The longest title kept, in characters.
pub const TITLE_MAX_LEN: usize = 200;
/// The longest introduction kept, in characters.
pub const INTRO_MAX_LEN: usize = 2_000;
/// The longest question, in characters.
pub const PROMPT_MAX_LEN: usize = 500;
/// The longest choice or rating label, in characters.
pub const OPTION_MAX_LEN: usize = 200;
/// The most choices one question offers.
pub const OPTIONS_MAX: usize = 12;
/// The most questions one survey asks.
pub const QUESTIONS_MAX: usize = 40;
/// The longest free-text answer, in characters.
pub const TEXT_ANSWER_MAX_LEN: usize = 5_000;
/// The most reminders a survey sends to those who have not answered.
pub const REMINDERS_MAX: usize = 2;
/// The points of a rating scale: 1 to 5.
pub const RATING_POINTS: u8 = 5;
/// The fewest answers to a free-text question that are shown where they could otherwise
/// point to one person.
pub const FREE_TEXT_MIN_ANSWERS: usize = 5;
/// How long after its round's partnerships end a survey may still open, in days.
pub const OPENS_AFTER_END_MAX_DAYS: i64 = 60;
/// The longest a survey stays open, in days.
pub const OPEN_MAX_DAYS: i64 = 90;

/// What a survey is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyKind {
    MidRound,
    EndOfRound,
    Other,
}

impl SurveyKind {
    pub const ALL: [SurveyKind; 3] = [
        SurveyKind::MidRound,
        SurveyKind::EndOfRound,
        SurveyKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SurveyKind::MidRound => "mid_round",
            SurveyKind::EndOfRound => "end_of_round",
            SurveyKind::Other => "other",
        }
    }

    pub fn parse(input: &str) -> Option<SurveyKind> {
        SurveyKind::ALL.into_iter().find(|k| k.as_str() == input)
    }
}

/// The stable name of a question: kept when the survey is copied into another round, so
/// results can be compared with the same question in earlier rounds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QuestionKey(String);

impl QuestionKey {
    /// The longest key kept.
    pub const MAX_LEN: usize = 48;

    /// A key as stored or sent back by the form: lowercase letters, digits and `_`.
    pub fn parse(input: &str) -> Option<QuestionKey> {
        let input = input.trim();
        let ok = !input.is_empty()
            && input.len() <= QuestionKey::MAX_LEN
            && input
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        ok.then(|| QuestionKey(input.to_owned()))
    }

    /// A new key for a question asking `prompt`: its first words, made unique among `taken`.
    pub fn for_prompt(prompt: &str, taken: &BTreeSet<QuestionKey>) -> QuestionKey {
        let mut base = String::new();
        for word in prompt
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if base.len() + word.len() + 1 > 32 {
                break;
            }
            if !base.is_empty() {
                base.push('_');
            }
            base.push_str(&word.to_ascii_lowercase());
        }
        if base.is_empty() {
            base.push('q');
        }
        let mut key = QuestionKey(base.clone());
        let mut n = 2;
        while taken.contains(&key) {
            key = QuestionKey(format!("{base}_{n}"));
            n += 1;
        }
        key
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// 1 to 5; the words say what 1 and 5 mean.
    Rating { low: String, high: String },
    /// One of the options.
    Single { options: Vec<String> },
    /// Any of the options.
    Multiple { options: Vec<String> },
    /// A few sentences.
    Text,
}

impl QuestionKind {
    /// The form's name for the kind.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multiple { .. } => "multiple",
            QuestionKind::Text => "text",
        }
    }

    /// The options of a choice question; none for the others.
    pub fn options(&self) -> &[String] {
        match self {
            QuestionKind::Single { options } | QuestionKind::Multiple { options } => options,
            _ => &[],
        }
    }
}

/// One question of a survey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub key: QuestionKey,
    pub prompt: String,
    pub kind: QuestionKind,
    pub required: bool,
}

/// A survey as an admin built it, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub title: String,
    pub kind: SurveyKind,
    /// A few words above the questions, as typed.
    pub intro: String,
    pub questions: Vec<Question>,
    /// The first day it can be answered; the invitations go out that morning.
    pub opens_on: Date,
    /// The last day it can be answered.
    pub closes_on: Date,
    pub anonymous: bool,
    /// Days after opening on which those who have not answered are reminded, ascending.
    pub reminders: Vec<u16>,
}

/// The time of day, in the round's zone, the invitations of a survey go out.
pub const OPENING_HOUR: i8 = 9;

impl Survey {
    /// When the invitations go out: 09:00 on the opening day in the round's zone.
    pub fn opens_at(&self, settings: &RoundSettings) -> Timestamp {
        let morning = jiff::SignedDuration::from_hours(i64::from(OPENING_HOUR));
        settings
            .start_of(self.opens_on)
            .checked_add(morning)
            .unwrap_or(Timestamp::MAX)
    }

    /// When answers stop being taken: the end of the closing day in the round's zone.
    pub fn closes_at(&self, settings: &RoundSettings) -> Timestamp {
        settings.end_of(self.closes_on)
    }

    /// When reminder `n` (0-based) goes out: that many days after the opening, same time.
    pub fn reminder_at(&self, n: usize, settings: &RoundSettings) -> Option<Timestamp> {
        let days = *self.reminders.get(n)?;
        self.opens_at(settings)
            .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days)))
            .ok()
    }

    /// The question with `key`.
    pub fn question(&self, key: &QuestionKey) -> Option<&Question> {
        self.questions.iter().find(|q| &q.key == key)
    }

    /// The form showing this survey, for editing.
    pub fn form(&self) -> SurveyForm {
        SurveyForm {
            title: self.title.clone(),
            kind: self.kind.as_str().to_owned(),
            intro: self.intro.clone(),
            opens_on: self.opens_on.to_string(),
            closes_on: self.closes_on.to_string(),
            anonymous: self.anonymous,
            reminders: self
                .reminders
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            questions: self
                .questions
                .iter()
                .map(|q| {
                    let (low, high) = match &q.kind {
                        QuestionKind::Rating { low, high } => (low.clone(), high.clone()),
                        _ => (String::new(), String::new()),
                    };
                    QuestionForm {
                        key: q.key.as_str().to_owned(),
                        prompt: q.prompt.clone(),
                        kind: q.kind.name().to_owned(),
                        options: q.kind.options().join("\n"),
                        low,
                        high,
                        required: q.required,
                        remove: false,
                    }
                })
                .collect(),
        }
    }

    /// This survey moved to another round: the same questions (and keys), its days moved by
    /// the distance between the two rounds' starts.
    pub fn copied_for(&self, from: &RoundSettings, to: &RoundSettings) -> Survey {
        let shift = |d: Date| -> Date {
            from.starts
                .until(d)
                .ok()
                .and_then(|span| to.starts.checked_add(span).ok())
                .unwrap_or(d)
        };
        Survey {
            opens_on: shift(self.opens_on),
            closes_on: shift(self.closes_on),
            ..self.clone()
        }
    }
}

/// The fields of the survey form, named as the errors name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SurveyField {
    Title,
    Kind,
    Intro,
    OpensOn,
    ClosesOn,
    Reminders,
    Questions,
    /// Question `n` of the form (0-based, as sent, removed ones included).
    Question(usize),
}

/// What is wrong with a survey form. Display is developer-facing; the web layer has words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SurveyError {
    #[error("title: missing")]
    TitleMissing,
    #[error("title: longer than {TITLE_MAX_LEN} characters")]
    TitleTooLong,
    #[error("kind: {0:?} is not a kind of survey")]
    Kind(String),
    #[error("intro: longer than {INTRO_MAX_LEN} characters")]
    IntroTooLong,
    #[error("opens_on: {0:?} is not a date (YYYY-MM-DD)")]
    OpensOn(String),
    #[error("opens_on: {on} is before the partnerships start on {starts}")]
    OpensBeforeStart { on: Date, starts: Date },
    #[error("opens_on: {on} is more than {OPENS_AFTER_END_MAX_DAYS} days after the end on {ends}")]
    OpensTooLate { on: Date, ends: Date },
    #[error("closes_on: {0:?} is not a date (YYYY-MM-DD)")]
    ClosesOn(String),
    #[error("closes_on: {closes} is before the opening on {opens}")]
    ClosesBeforeOpening { opens: Date, closes: Date },
    #[error("closes_on: open for more than {OPEN_MAX_DAYS} days")]
    OpenTooLong,
    #[error("reminders: {0:?} is not a number of days")]
    Reminder(String),
    #[error("reminders: more than {REMINDERS_MAX}")]
    TooManyReminders,
    #[error("reminders: day {0} is not before the survey closes")]
    ReminderAfterClosing(u16),
    #[error("questions: none")]
    NoQuestions,
    #[error("questions: more than {QUESTIONS_MAX}")]
    TooManyQuestions,
    #[error("question {0}: {1}")]
    Question(usize, QuestionError),
}

/// What is wrong with one question of the form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("the question is missing")]
    PromptMissing,
    #[error("the question is longer than {PROMPT_MAX_LEN} characters")]
    PromptTooLong,
    #[error("{0:?} is not a kind of question")]
    Kind(String),
    #[error("a choice question needs at least two options")]
    TooFewOptions,
    #[error("more than {OPTIONS_MAX} options")]
    TooManyOptions,
    #[error("an option or label is longer than {OPTION_MAX_LEN} characters")]
    OptionTooLong,
    #[error("the option {0:?} is there twice")]
    DuplicateOption(String),
    #[error("a rating needs words for 1 and for 5")]
    LabelsMissing,
}

impl SurveyError {
    pub fn field(&self) -> SurveyField {
        match self {
            SurveyError::TitleMissing | SurveyError::TitleTooLong => SurveyField::Title,
            SurveyError::Kind(_) => SurveyField::Kind,
            SurveyError::IntroTooLong => SurveyField::Intro,
            SurveyError::OpensOn(_)
            | SurveyError::OpensBeforeStart { .. }
            | SurveyError::OpensTooLate { .. } => SurveyField::OpensOn,
            SurveyError::ClosesOn(_)
            | SurveyError::ClosesBeforeOpening { .. }
            | SurveyError::OpenTooLong => SurveyField::ClosesOn,
            SurveyError::Reminder(_)
            | SurveyError::TooManyReminders
            | SurveyError::ReminderAfterClosing(_) => SurveyField::Reminders,
            SurveyError::NoQuestions | SurveyError::TooManyQuestions => SurveyField::Questions,
            SurveyError::Question(n, _) => SurveyField::Question(*n),
        }
    }
}

/// One question block of the form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionForm {
    /// The key it had, if any; blank for a new question.
    pub key: String,
    pub prompt: String,
    /// "rating", "single", "multiple" or "text".
    pub kind: String,
    /// One option a line, for the choice kinds.
    pub options: String,
    pub low: String,
    pub high: String,
    pub required: bool,
    /// Ticked: the question goes.
    pub remove: bool,
}

impl QuestionForm {
    /// Nothing typed in it: the empty block the form offers for a new question.
    pub fn is_blank(&self) -> bool {
        self.prompt.trim().is_empty()
            && self.options.trim().is_empty()
            && self.low.trim().is_empty()
            && self.high.trim().is_empty()
    }
}

/// The survey form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SurveyForm {
    pub title: String,
    pub kind: String,
    pub intro: String,
    pub opens_on: String,
    pub closes_on: String,
    pub anonymous: bool,
    /// Days after opening, separated by commas or spaces: "7, 12".
    pub reminders: String,
    pub questions: Vec<QuestionForm>,
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

impl Survey {
    /// Parses the form for a survey of the round with `settings`, reporting every wrong field.
    /// Blank question blocks and those ticked for removal are left out.
    pub fn parse(form: &SurveyForm, settings: &RoundSettings) -> Result<Survey, Vec<SurveyError>> {
        let mut errors = Vec::new();
        let title = form.title.trim();
        if title.is_empty() {
            errors.push(SurveyError::TitleMissing);
        } else if too_long(title, TITLE_MAX_LEN) {
            errors.push(SurveyError::TitleTooLong);
        }
        let kind = SurveyKind::parse(form.kind.trim()).or_else(|| {
            errors.push(SurveyError::Kind(form.kind.trim().to_owned()));
            None
        });
        let intro = form.intro.replace("\r\n", "\n").trim().to_owned();
        if too_long(&intro, INTRO_MAX_LEN) {
            errors.push(SurveyError::IntroTooLong);
        }
        let latest_opening = settings
            .ends
            .checked_add(jiff::Span::new().days(OPENS_AFTER_END_MAX_DAYS))
            .unwrap_or(settings.ends);
        let opens = match form.opens_on.trim().parse::<Date>() {
            Ok(on) if on < settings.starts => {
                errors.push(SurveyError::OpensBeforeStart {
                    on,
                    starts: settings.starts,
                });
                None
            }
            Ok(on) if on > latest_opening => {
                errors.push(SurveyError::OpensTooLate {
                    on,
                    ends: settings.ends,
                });
                None
            }
            Ok(on) => Some(on),
            Err(_) => {
                errors.push(SurveyError::OpensOn(form.opens_on.trim().to_owned()));
                None
            }
        };
        let closes = match form.closes_on.trim().parse::<Date>() {
            Ok(closes) => Some(closes),
            Err(_) => {
                errors.push(SurveyError::ClosesOn(form.closes_on.trim().to_owned()));
                None
            }
        };
        let mut open_days = None;
        if let (Some(opens), Some(closes)) = (opens, closes) {
            if closes < opens {
                errors.push(SurveyError::ClosesBeforeOpening { opens, closes });
            } else {
                let days = opens
                    .until(closes)
                    .map(|s| i64::from(s.get_days()))
                    .unwrap_or(i64::MAX);
                if days > OPEN_MAX_DAYS {
                    errors.push(SurveyError::OpenTooLong);
                } else {
                    open_days = Some(days);
                }
            }
        }
        let mut reminders = Vec::new();
        for word in form
            .reminders
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            match word.parse::<u16>() {
                Ok(day) if day > 0 => reminders.push(day),
                _ => errors.push(SurveyError::Reminder(word.chars().take(20).collect())),
            }
        }
        reminders.sort_unstable();
        reminders.dedup();
        if reminders.len() > REMINDERS_MAX {
            errors.push(SurveyError::TooManyReminders);
        }
        if let Some(days) = open_days {
            for &day in &reminders {
                if i64::from(day) > days {
                    errors.push(SurveyError::ReminderAfterClosing(day));
                }
            }
        }

        let kept: Vec<(usize, &QuestionForm)> = form
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| !q.remove && !q.is_blank())
            .collect();
        if kept.is_empty() {
            errors.push(SurveyError::NoQuestions);
        } else if kept.len() > QUESTIONS_MAX {
            errors.push(SurveyError::TooManyQuestions);
        }
        // Keys the form sent back stay; new questions get one of their own.
        let mut taken: BTreeSet<QuestionKey> = kept
            .iter()
            .filter_map(|(_, q)| QuestionKey::parse(&q.key))
            .collect();
        let mut seen = BTreeSet::new();
        let mut questions = Vec::new();
        for (n, q) in kept {
            match parse_question(q) {
                Ok((prompt, kind)) => {
                    let key = match QuestionKey::parse(&q.key) {
                        Some(key) if seen.insert(key.clone()) => key,
                        _ => {
                            let key = QuestionKey::for_prompt(&prompt, &taken);
                            taken.insert(key.clone());
                            seen.insert(key.clone());
                            key
                        }
                    };
                    questions.push(Question {
                        key,
                        prompt,
                        kind,
                        required: q.required,
                    });
                }
                Err(e) => errors.push(SurveyError::Question(n, e)),
            }
        }
        match (errors.is_empty(), kind, opens, closes) {
            (true, Some(kind), Some(opens_on), Some(closes_on)) => Ok(Survey {
                title: title.to_owned(),
                kind,
                intro,
                questions,
                opens_on,
                closes_on,
                anonymous: form.anonymous,
                reminders,
            }),
            _ => Err(errors),
        }
    }
}

fn parse_question(q: &QuestionForm) -> Result<(String, QuestionKind), QuestionError> {
    let prompt = q.prompt.trim();
    if prompt.is_empty() {
        return Err(QuestionError::PromptMissing);
    }
    if too_long(prompt, PROMPT_MAX_LEN) {
        return Err(QuestionError::PromptTooLong);
    }
    let options = || -> Result<Vec<String>, QuestionError> {
        let mut options: Vec<String> = Vec::new();
        for line in q.options.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if too_long(line, OPTION_MAX_LEN) {
                return Err(QuestionError::OptionTooLong);
            }
            if options.iter().any(|o| o.eq_ignore_ascii_case(line)) {
                return Err(QuestionError::DuplicateOption(line.to_owned()));
            }
            options.push(line.to_owned());
        }
        if options.len() < 2 {
            return Err(QuestionError::TooFewOptions);
        }
        if options.len() > OPTIONS_MAX {
            return Err(QuestionError::TooManyOptions);
        }
        Ok(options)
    };
    let kind = match q.kind.trim() {
        "rating" => {
            let (low, high) = (q.low.trim(), q.high.trim());
            if low.is_empty() || high.is_empty() {
                return Err(QuestionError::LabelsMissing);
            }
            if too_long(low, OPTION_MAX_LEN) || too_long(high, OPTION_MAX_LEN) {
                return Err(QuestionError::OptionTooLong);
            }
            QuestionKind::Rating {
                low: low.to_owned(),
                high: high.to_owned(),
            }
        }
        "single" => QuestionKind::Single {
            options: options()?,
        },
        "multiple" => QuestionKind::Multiple {
            options: options()?,
        },
        "text" => QuestionKind::Text,
        other => return Err(QuestionError::Kind(other.chars().take(20).collect())),
    };
    Ok((prompt.to_owned(), kind))
}

// ---------------------------------------------------------------------------------------
// Answers.

/// One answer to one question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    Rating(u8),
    Choice(String),
    Choices(Vec<String>),
    Text(String),
}

/// A person's answers to a survey, by question; unanswered optional questions are absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub answers: BTreeMap<QuestionKey, AnswerValue>,
}

/// What is wrong with one answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("this question needs an answer")]
    Required,
    #[error("{0:?} is not one of the points of the scale")]
    NotAPoint(String),
    #[error("{0:?} is not one of the options")]
    NotAnOption(String),
    #[error("only one option may be chosen")]
    OneOnly,
    #[error("the answer is longer than {TEXT_ANSWER_MAX_LEN} characters")]
    TooLong,
}

impl Survey {
    /// Reads the answers from the form's fields (the question's key as name; a multiple
    /// choice sends its key once per option ticked), reporting each question that is wrong.
    pub fn parse_response(
        &self,
        fields: &[(String, String)],
    ) -> Result<Response, Vec<(QuestionKey, AnswerError)>> {
        let mut errors = Vec::new();
        let mut answers = BTreeMap::new();
        for question in &self.questions {
            let values: Vec<&str> = fields
                .iter()
                .filter(|(name, _)| name == question.key.as_str())
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            let answer = match (&question.kind, values.as_slice()) {
                (_, []) => Ok(None),
                (QuestionKind::Rating { .. }, [one]) => match one.parse::<u8>() {
                    Ok(point) if (1..=RATING_POINTS).contains(&point) => {
                        Ok(Some(AnswerValue::Rating(point)))
                    }
                    _ => Err(AnswerError::NotAPoint(one.chars().take(20).collect())),
                },
                (QuestionKind::Single { options }, [one]) => options
                    .iter()
                    .find(|o| o.as_str() == *one)
                    .map(|o| Some(AnswerValue::Choice(o.clone())))
                    .ok_or_else(|| AnswerError::NotAnOption(one.chars().take(50).collect())),
                (QuestionKind::Rating { .. } | QuestionKind::Single { .. }, _) => {
                    Err(AnswerError::OneOnly)
                }
                (QuestionKind::Multiple { options }, many) => {
                    // In the question's order, each once.
                    match many.iter().find(|v| !options.iter().any(|o| o == *v)) {
                        Some(stranger) => Err(AnswerError::NotAnOption(
                            stranger.chars().take(50).collect(),
                        )),
                        None => Ok(Some(AnswerValue::Choices(
                            options
                                .iter()
                                .filter(|o| many.contains(&o.as_str()))
                                .cloned()
                                .collect(),
                        ))),
                    }
                }
                (QuestionKind::Text, parts) => {
                    let text = parts.join("\n").replace("\r\n", "\n");
                    if too_long(&text, TEXT_ANSWER_MAX_LEN) {
                        Err(AnswerError::TooLong)
                    } else {
                        Ok(Some(AnswerValue::Text(text)))
                    }
                }
            };
            match answer {
                Ok(Some(value)) => {
                    answers.insert(question.key.clone(), value);
                }
                Ok(None) if question.required => {
                    errors.push((question.key.clone(), AnswerError::Required));
                }
                Ok(None) => {}
                Err(e) => errors.push((question.key.clone(), e)),
            }
        }
        if errors.is_empty() {
            Ok(Response { answers })
        } else {
            Err(errors)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Results.

/// How one question was answered, over a set of responses.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionResult {
    pub key: QuestionKey,
    pub prompt: String,
    /// How many responses answered it.
    pub answered: usize,
    pub tally: Tally,
}

/// The numbers of one question.
#[derive(Clone, Debug, PartialEq)]
pub enum Tally {
    /// How many chose 1, 2, … 5, and the average (none when nobody answered).
    Rating {
        low: String,
        high: String,
        counts: [usize; RATING_POINTS as usize],
        average: Option<f64>,
    },
    /// Each option with how many chose it, in the question's order.
    Choices {
        multiple: bool,
        counts: Vec<(String, usize)>,
    },
    /// The answers, oldest first, unless there are too few to show safely.
    Text { answers: Vec<String>, hidden: bool },
}

/// Adds up `responses` question by question. Free text is hidden when `hide_text_below` is
/// set and fewer answered that question.
pub fn tally(
    survey: &Survey,
    responses: &[&Response],
    hide_text_below: Option<usize>,
) -> Vec<QuestionResult> {
    survey
        .questions
        .iter()
        .map(|question| {
            let answers: Vec<&AnswerValue> = responses
                .iter()
                .filter_map(|r| r.answers.get(&question.key))
                .collect();
            let tally = match &question.kind {
                QuestionKind::Rating { low, high } => {
                    let mut counts = [0; RATING_POINTS as usize];
                    let mut sum = 0u64;
                    let mut n = 0u64;
                    for a in &answers {
                        if let AnswerValue::Rating(p) = a
                            && let Some(slot) = counts.get_mut(usize::from(*p).wrapping_sub(1))
                        {
                            *slot += 1;
                            sum += u64::from(*p);
                            n += 1;
                        }
                    }
                    Tally::Rating {
                        low: low.clone(),
                        high: high.clone(),
                        counts,
                        #[expect(clippy::cast_precision_loss, reason = "counts of people")]
                        average: (n > 0).then(|| sum as f64 / n as f64),
                    }
                }
                QuestionKind::Single { options } | QuestionKind::Multiple { options } => {
                    let counts = options
                        .iter()
                        .map(|o| {
                            let n = answers
                                .iter()
                                .filter(|a| match a {
                                    AnswerValue::Choice(c) => c == o,
                                    AnswerValue::Choices(cs) => cs.contains(o),
                                    _ => false,
                                })
                                .count();
                            (o.clone(), n)
                        })
                        .collect();
                    Tally::Choices {
                        multiple: matches!(question.kind, QuestionKind::Multiple { .. }),
                        counts,
                    }
                }
                QuestionKind::Text => {
                    let texts: Vec<String> = answers
                        .iter()
                        .filter_map(|a| match a {
                            AnswerValue::Text(t) => Some(t.clone()),
                            _ => None,
                        })
                        .collect();
                    let hidden = hide_text_below.is_some_and(|min| texts.len() < min);
                    Tally::Text {
                        answers: if hidden { Vec::new() } else { texts },
                        hidden,
                    }
                }
            };
            QuestionResult {
                key: question.key.clone(),
                prompt: question.prompt.clone(),
                answered: answers.len(),
                tally,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The network's own surveys, which every new round starts from when no earlier round has
// surveys: the questions the real program asked, so its findings (most contact by email,
// most joining to build a network, satisfaction rising with contact) can be seen again.

fn rating(key: &str, prompt: &str, low: &str, high: &str) -> Question {
    Question {
        key: QuestionKey(key.to_owned()),
        prompt: prompt.to_owned(),
        kind: QuestionKind::Rating {
            low: low.to_owned(),
            high: high.to_owned(),
        },
        required: true,
    }
}

fn choice(key: &str, prompt: &str, multiple: bool, options: &[&str]) -> Question {
    let options = options.iter().map(|o| (*o).to_owned()).collect();
    Question {
        key: QuestionKey(key.to_owned()),
        prompt: prompt.to_owned(),
        kind: if multiple {
            QuestionKind::Multiple { options }
        } else {
            QuestionKind::Single { options }
        },
        required: !multiple,
    }
}

fn text(key: &str, prompt: &str) -> Question {
    Question {
        key: QuestionKey(key.to_owned()),
        prompt: prompt.to_owned(),
        kind: QuestionKind::Text,
        required: false,
    }
}

/// How often partners are in touch, as both default surveys ask it.
pub const CONTACT_OPTIONS: [&str; 5] = [
    "Every week",
    "Every two weeks",
    "Every month",
    "Less than once a month",
    "We have not been in touch",
];

/// The ways partners keep in touch, as the mid-round survey asks it.
pub const WAY_OPTIONS: [&str; 6] = [
    "Email",
    "Video calls",
    "Chat or messaging",
    "Social media",
    "Phone",
    "In person",
];

/// Why people joined, as the mid-round survey asks it.
pub const REASON_OPTIONS: [&str; 5] = [
    "To build my professional network",
    "To learn how libraries work in other countries",
    "To develop my career",
    "To share what I know",
    "To practise working in another language",
];

/// What the partnership gave, as the end-of-round survey asks it.
pub const OUTCOME_OPTIONS: [&str; 5] = [
    "A wider awareness of the profession",
    "New ideas for my own work",
    "A lasting professional contact",
    "Confidence in working internationally",
    "Not much this time",
];

/// The default mid-round and end-of-round surveys of a round with `settings`: the first
/// opens halfway through the partnerships for two weeks, the second when they end (the day
/// after their last) for three, each with two reminders.
pub fn defaults(settings: &RoundSettings) -> [Survey; 2] {
    let term = settings
        .starts
        .until(settings.ends)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(120);
    let day = |from: Date, days: i64| {
        from.checked_add(jiff::Span::new().days(days))
            .unwrap_or(from)
    };
    let middle = day(settings.starts, term / 2);
    let satisfaction = rating(
        "satisfaction",
        "How satisfied are you with your partnership?",
        "Not at all satisfied",
        "Very satisfied",
    );
    let contact = choice(
        "contact_frequency",
        "How often are you in touch with your partner?",
        false,
        &CONTACT_OPTIONS,
    );
    [
        Survey {
            title: "Mid-round survey".to_owned(),
            kind: SurveyKind::MidRound,
            intro: "Halfway through: tell us how your partnership is going. It takes about five \
                    minutes."
                .to_owned(),
            questions: vec![
                satisfaction.clone(),
                contact.clone(),
                choice(
                    "contact_ways",
                    "How do you keep in touch?",
                    true,
                    &WAY_OPTIONS,
                ),
                choice(
                    "reasons",
                    "Why did you join the program?",
                    true,
                    &REASON_OPTIONS,
                ),
                rating(
                    "topics_useful",
                    "How useful are the discussion topics?",
                    "Not useful",
                    "Very useful",
                ),
                text(
                    "improve_mid",
                    "What would make the rest of the round better for you?",
                ),
            ],
            opens_on: middle,
            closes_on: day(middle, 14),
            anonymous: false,
            reminders: vec![5, 10],
        },
        Survey {
            title: "End-of-round survey".to_owned(),
            kind: SurveyKind::EndOfRound,
            intro: "The round is over: thank you for taking part. Your answers shape the next \
                    round."
                .to_owned(),
            questions: vec![
                satisfaction,
                contact,
                choice(
                    "outcomes",
                    "What did the partnership give you?",
                    true,
                    &OUTCOME_OPTIONS,
                ),
                choice(
                    "stay_in_touch",
                    "Will you stay in touch with your partner?",
                    false,
                    &["Yes", "Maybe", "No"],
                ),
                rating(
                    "recommend",
                    "How likely are you to recommend the program to a colleague?",
                    "Not at all likely",
                    "Very likely",
                ),
                text("improve_end", "What should we change for the next round?"),
            ],
            // The day after the last: the round's close opens it, with the thank-you email.
            opens_on: day(settings.ends, 1),
            closes_on: day(settings.ends, 22),
            anonymous: true,
            reminders: vec![7, 14],
        },
    ]
}
