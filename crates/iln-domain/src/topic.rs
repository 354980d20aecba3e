//! Discussion topics: what coordinators publish to a round every few weeks, and when each
//! reader gets it.
//!
//! A topic has a title, a Markdown body (rendered and sanitised by the web layer: the domain
//! keeps the text as written), resource links and a release: a day of the round and a time of
//! day that every reader gets **in their own time zone**, 09:00 unless the coordinator says
//! otherwise. A topic may be a part of another (the real program's "Libraries & Social Media"
//! had "A Pinterest Roundup" and "Follow a Library day"), with a release of its own.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::round::RoundSettings;
use crate::timezone::TimeZoneName;

/// The longest title kept, in characters.
pub const TITLE_MAX_LEN: usize = 200;
/// The longest body kept, in characters: a long topic is a few thousand.
pub const BODY_MAX_LEN: usize = 50_000;
/// The most resource links one topic lists.
pub const RESOURCES_MAX: usize = 30;
/// The longest resource title or address, in characters.
pub const RESOURCE_MAX_LEN: usize = 2_000;
/// The time of day a topic reaches each reader when the coordinator does not choose one.
pub const DEFAULT_RELEASE_TIME: Time = Time::constant(9, 0, 0, 0);

/// The fields of the topic form, named as the errors name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TopicField {
    Title,
    Body,
    ReleaseOn,
    ReleaseTime,
    Resources,
}

impl TopicField {
    /// The form field's name.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicField::Title => "title",
            TopicField::Body => "body",
            TopicField::ReleaseOn => "release_on",
            TopicField::ReleaseTime => "release_time",
            TopicField::Resources => "resources",
        }
    }
}

/// What is wrong with a topic form. Display is developer-facing; the web layer has the words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    #[error("title: missing")]
    TitleMissing,
    #[error("title: longer than {TITLE_MAX_LEN} characters")]
    TitleTooLong,
    #[error("body: missing")]
    BodyMissing,
    #[error("body: longer than {BODY_MAX_LEN} characters")]
    BodyTooLong,
    #[error("release_on: {0:?} is not a date (YYYY-MM-DD)")]
    ReleaseOn(String),
    #[error("release_on: {on} is before the partnerships start on {starts}")]
    BeforeRoundStarts { on: Date, starts: Date },
    #[error("release_on: {on} is after the partnerships end on {ends}")]
    AfterRoundEnds { on: Date, ends: Date },
    #[error("release_time: {0:?} is not a time of day (HH:MM)")]
    ReleaseTime(String),
    #[error("resources: line {line} has no web address (https://…)")]
    ResourceWithoutLink { line: usize },
    #[error("resources: line {line}: {address:?} is not an http or https address")]
    ResourceLink { line: usize, address: String },
    #[error("resources: line {line} is longer than {RESOURCE_MAX_LEN} characters")]
    ResourceTooLong { line: usize },
    #[error("resources: more than {RESOURCES_MAX} links")]
    TooManyResources,
}

impl TopicError {
    /// The field the error belongs to.
    pub fn field(&self) -> TopicField {
        match self {
            TopicError::TitleMissing | TopicError::TitleTooLong => TopicField::Title,
            TopicError::BodyMissing | TopicError::BodyTooLong => TopicField::Body,
            TopicError::ReleaseOn(_)
            | TopicError::BeforeRoundStarts { .. }
            | TopicError::AfterRoundEnds { .. } => TopicField::ReleaseOn,
            TopicError::ReleaseTime(_) => TopicField::ReleaseTime,
            TopicError::ResourceWithoutLink { .. }
            | TopicError::ResourceLink { .. }
            | TopicError::ResourceTooLong { .. }
            | TopicError::TooManyResources => TopicField::Resources,
        }
    }
}

/// The topic form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TopicForm {
    pub title: String,
    pub body: String,
    /// The release day, YYYY-MM-DD.
    pub release_on: String,
    /// The time of day in each reader's zone, HH:MM; blank is 09:00.
    pub release_time: String,
    /// One link a line: "Title | https://…", or just the address.
    pub resources: String,
}

/// A link a topic points readers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// What the link is; the address itself when none was given.
    pub title: String,
    /// An http or https address.
    pub url: String,
}

/// When a topic reaches its readers: this day, at this time of day in each reader's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Release {
    pub on: Date,
    pub at: Time,
}

impl Release {
    /// The moment a reader in `zone` gets the topic. In the rare zone and day where that time
    /// does not exist (clocks jump over it), the moment just after the jump.
    pub fn for_zone(&self, zone: &TimeZoneName) -> Timestamp {
        moment(self.on.to_datetime(self.at), &zone.to_jiff())
    }

    /// The first moment any reader anywhere gets it: the release time in the zone furthest
    /// ahead of UTC (UTC+14, the Line Islands). The release job runs then.
    pub fn earliest(&self) -> Timestamp {
        moment(
            self.on.to_datetime(self.at),
            &TimeZone::fixed(EARLIEST_OFFSET),
        )
    }
}

/// The furthest ahead of UTC any zone is.
const EARLIEST_OFFSET: jiff::tz::Offset = jiff::tz::Offset::constant(14);

fn moment(when: jiff::civil::DateTime, zone: &TimeZone) -> Timestamp {
    // `compatible`: a time in a gap moves forward past it, a time in a fold takes the first.
    // Only a date at the very ends of jiff's range fails, far from any round.
    zone.to_ambiguous_timestamp(when)
        .compatible()
        .unwrap_or(Timestamp::MAX)
}

/// A topic as coordinators wrote it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    pub resources: Vec<Resource>,
    pub release: Release,
}

impl Topic {
    /// Parses the form for a topic of the round with `settings`, reporting every wrong field.
    /// The release day must fall within the partnerships: from their first day to their last.
    pub fn parse(form: &TopicForm, settings: &RoundSettings) -> Result<Topic, Vec<TopicError>> {
        let mut errors = Vec::new();
        let title = form.title.trim();
        if title.is_empty() {
            errors.push(TopicError::TitleMissing);
        } else if title.chars().count() > TITLE_MAX_LEN {
            errors.push(TopicError::TitleTooLong);
        }
        // Line endings as one kind, trailing space gone; the Markdown itself is kept as typed.
        let body = form.body.replace("\r\n", "\n").trim_end().to_owned();
        if body.trim().is_empty() {
            errors.push(TopicError::BodyMissing);
        } else if body.chars().count() > BODY_MAX_LEN {
            errors.push(TopicError::BodyTooLong);
        }
        let on = match form.release_on.trim().parse::<Date>() {
            Ok(on) if on < settings.starts => {
                errors.push(TopicError::BeforeRoundStarts {
                    on,
                    starts: settings.starts,
                });
                None
            }
            Ok(on) if on > settings.ends => {
                errors.push(TopicError::AfterRoundEnds {
                    on,
                    ends: settings.ends,
                });
                None
            }
            Ok(on) => Some(on),
            Err(_) => {
                errors.push(TopicError::ReleaseOn(form.release_on.trim().to_owned()));
                None
            }
        };
        let at = match parse_time(&form.release_time) {
            Some(at) => Some(at),
            None => {
                errors.push(TopicError::ReleaseTime(form.release_time.trim().to_owned()));
                None
            }
        };
        let resources = parse_resources(&form.resources).map_err(|e| errors.extend(e));
        match (errors.is_empty(), on, at, resources) {
            (true, Some(on), Some(at), Ok(resources)) => Ok(Topic {
                title: title.to_owned(),
                body,
                resources,
                release: Release { on, at },
            }),
            _ => Err(errors),
        }
    }

    /// The form showing this topic, for editing.
    pub fn form(&self) -> TopicForm {
        TopicForm {
            title: self.title.clone(),
            body: self.body.clone(),
            release_on: self.release.on.to_string(),
            release_time: self.release.at.strftime("%H:%M").to_string(),
            resources: self
                .resources
                .iter()
                .map(|r| {
                    if r.title == r.url {
                        r.url.clone()
                    } else {
                        format!("{} | {}", r.title, r.url)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// "9:00", "09:00", "9.00", "14:30" and blank (09:00); seconds are not asked for.
fn parse_time(input: &str) -> Option<Time> {
    let input = input.trim();
    if input.is_empty() {
        return Some(DEFAULT_RELEASE_TIME);
    }
    let (hour, minute) = input.split_once([':', '.', 'h'])?;
    let hour: i8 = hour.trim().parse().ok()?;
    let minute: i8 = minute.trim().parse().ok()?;
    Time::new(hour, minute, 0, 0).ok()
}

fn parse_resources(input: &str) -> Result<Vec<Resource>, Vec<TopicError>> {
    let mut errors = Vec::new();
    let mut resources = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let line_number = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.chars().count() > RESOURCE_MAX_LEN {
            errors.push(TopicError::ResourceTooLong { line: line_number });
            continue;
        }
        let (title, address) = match line.rsplit_once('|') {
            Some((title, address)) => (title.trim(), address.trim()),
            None => ("", line),
        };
        if address.is_empty() {
            errors.push(TopicError::ResourceWithoutLink { line: line_number });
            continue;
        }
        if !is_web_address(address) {
            errors.push(TopicError::ResourceLink {
                line: line_number,
                address: address.to_owned(),
            });
            continue;
        }
        resources.push(Resource {
            title: if title.is_empty() { address } else { title }.to_owned(),
            url: address.to_owned(),
        });
    }
    if resources.len() > RESOURCES_MAX {
        errors.push(TopicError::TooManyResources);
    }
    if errors.is_empty() {
        Ok(resources)
    } else {
        Err(errors)
    }
}

/// An absolute http or https address with a host and no spaces: nothing a browser would run.
pub fn is_web_address(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}
