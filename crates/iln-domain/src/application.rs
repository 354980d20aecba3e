//! Applying to a round: the application form parsed from what a person typed, the values it is
//! made of (languages, interests, ways to communicate, how to be matched), likely duplicates
//! and the country cap.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::account::{DisplayName, Email};
use crate::country::CountryCode;
use crate::profile::{CareerStage, Sector};
use crate::round::CountryCap;
use crate::scoring::{History, MatchProfile};
use crate::timezone::TimeZoneName;

/// An ISO 639-1 language code ("en", "es"), lower case, known to the table below.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct LanguageCode(&'static str);

/// Why a text is not a language code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LanguageError {
    #[error("enter a language code")]
    Empty,
    #[error("{0:?} is not an ISO 639-1 language code such as en, es or fr")]
    Unknown(String),
}

impl LanguageCode {
    /// Accepts a two-letter ISO 639-1 code in any case, or the language's English name.
    pub fn parse(input: &str) -> Result<LanguageCode, LanguageError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(LanguageError::Empty);
        }
        let lower = trimmed.to_lowercase();
        LANGUAGES
            .iter()
            .find(|(code, name)| *code == lower || name.to_lowercase() == lower)
            .map(|(code, _)| LanguageCode(code))
            .ok_or_else(|| LanguageError::Unknown(trimmed.to_owned()))
    }

    /// English, the language the real program ran in and our default program language.
    pub fn english() -> LanguageCode {
        LanguageCode("en")
    }

    /// The lower-case code, as stored.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The English name of the language.
    pub fn name(self) -> &'static str {
        LANGUAGES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map_or(self.0, |(_, name)| name)
    }

    /// Every known language, sorted by code, for select lists.
    pub fn all() -> impl Iterator<Item = LanguageCode> {
        LANGUAGES.iter().map(|(code, _)| LanguageCode(code))
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for LanguageCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for LanguageCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LanguageCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Parses a list of language codes separated by `;` or `,` (blank entries are skipped). The
/// result is sorted and without repeats; an empty list is not an error here, callers decide.
pub fn parse_languages(input: &str) -> Result<BTreeSet<LanguageCode>, LanguageError> {
    split_list(input).map(LanguageCode::parse).collect()
}

/// An area of interest, normalised so that "Social  Media" and "social media" are the same:
/// trimmed, lower case, inner whitespace collapsed to one space.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Interest(String);

impl TryFrom<String> for Interest {
    type Error = InterestError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Interest::parse(&value)
    }
}

impl From<Interest> for String {
    fn from(interest: Interest) -> String {
        interest.0
    }
}

/// Why a text is not an interest.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InterestError {
    #[error("an area of interest cannot be empty")]
    Empty,
    #[error("an area of interest has at most {INTEREST_MAX_LEN} characters")]
    TooLong,
    #[error("an area of interest cannot contain control characters")]
    Control,
    #[error("{0:?} is not in the list of areas of interest; use the \"other\" box for it")]
    NotListed(String),
}

/// Longest interest accepted; the list is for short topics, not essays.
pub const INTEREST_MAX_LEN: usize = 60;

impl Interest {
    pub fn parse(input: &str) -> Result<Interest, InterestError> {
        let normalised = input
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if normalised.is_empty() {
            return Err(InterestError::Empty);
        }
        if normalised.chars().count() > INTEREST_MAX_LEN {
            return Err(InterestError::TooLong);
        }
        if normalised.chars().any(char::is_control) {
            return Err(InterestError::Control);
        }
        Ok(Interest(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The interests a new round offers until its coordinators edit them: topics librarians in the program asked to talk about, after the program's discussion
/// topics and the categories staff back-coded from the application forms.
pub const DEFAULT_INTERESTS: [&str; 24] = [
    "Social media",
    "Technology",
    "Disaster response",
    "Conferences and events",
    "Open access",
    "Information literacy",
    "Cataloguing and metadata",
    "Children's services",
    "Research data",
    "Digital preservation",
    "Community engagement",
    "Advocacy",
    "Leadership",
    "Copyright",
    "Scholarly communication",
    "Collection development",
    "Reference services",
    "Library design and spaces",
    "Marketing and outreach",
    "Indigenous knowledge",
    "Health information",
    "Literacy programs",
    "Professional development",
    "Makerspaces",
];

/// The areas of interest coordinators offer on the form. Applicants pick from it; anything
/// else goes into the free "other" text, which coordinators may later code into the list.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct InterestCatalogue {
    interests: BTreeSet<Interest>,
}

impl InterestCatalogue {
    /// A catalogue from coordinator-entered names; repeats after normalisation collapse.
    pub fn new(
        names: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Result<InterestCatalogue, InterestError> {
        let interests = names
            .into_iter()
            .map(|n| Interest::parse(n.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(InterestCatalogue { interests })
    }

    /// The topics the real program's discussions and back-coded forms used ([`DEFAULT_INTERESTS`]), as a starting list for coordinators to edit.
    pub fn default_topics() -> InterestCatalogue {
        InterestCatalogue {
            interests: DEFAULT_INTERESTS
                .iter()
                .filter_map(|n| Interest::parse(n).ok())
                .collect(),
        }
    }

    /// Checks that a chosen interest is one the catalogue offers.
    pub fn pick(&self, input: &str) -> Result<Interest, InterestError> {
        let interest = Interest::parse(input)?;
        if self.interests.contains(&interest) {
            Ok(interest)
        } else {
            Err(InterestError::NotListed(input.trim().to_owned()))
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Interest> {
        self.interests.iter()
    }

    pub fn len(&self) -> usize {
        self.interests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.interests.is_empty()
    }
}

/// A way partners can keep in touch; most contact in the real program was by email.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum CommunicationWay {
    Email,
    Video,
    Chat,
    SocialMedia,
}

impl CommunicationWay {
    pub const ALL: [CommunicationWay; 4] = [
        CommunicationWay::Email,
        CommunicationWay::Video,
        CommunicationWay::Chat,
        CommunicationWay::SocialMedia,
    ];

    /// The snake_case id stored and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            CommunicationWay::Email => "email",
            CommunicationWay::Video => "video",
            CommunicationWay::Chat => "chat",
            CommunicationWay::SocialMedia => "social_media",
        }
    }

    /// Other spellings people type for the way (in a spreadsheet, say), besides its id: the
    /// words the form shows. Input parsing, not display: these stay accepted even if the
    /// page's words change.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            CommunicationWay::Email => &["email", "e-mail", "mail"],
            CommunicationWay::Video => &[
                "video call",
                "video calls",
                "video",
                "skype",
                "zoom",
                "teams",
                "google meet",
            ],
            CommunicationWay::Chat => &["chat", "instant messaging", "messaging", "whatsapp"],
            CommunicationWay::SocialMedia => &["social media", "twitter", "facebook", "linkedin"],
        }
    }

    /// The plural used in sentences ("both like email and video calls").
    pub fn phrase(self) -> &'static str {
        match self {
            CommunicationWay::Email => "email",
            CommunicationWay::Video => "video calls",
            CommunicationWay::Chat => "chat",
            CommunicationWay::SocialMedia => "social media",
        }
    }

    /// Accepts the id or one of its spellings in any case, with spaces or hyphens for
    /// underscores.
    pub fn parse(input: &str) -> Result<CommunicationWay, ApplicationValueError> {
        let wanted = snake(input);
        CommunicationWay::ALL
            .into_iter()
            .find(|w| w.as_str() == wanted || w.spellings().iter().any(|s| snake(s) == wanted))
            .ok_or_else(|| ApplicationValueError::CommunicationWay(input.trim().to_owned()))
    }

    /// A bit per way, for fast set intersections in scoring.
    pub(crate) fn bit(self) -> u8 {
        match self {
            CommunicationWay::Email => 1,
            CommunicationWay::Video => 2,
            CommunicationWay::Chat => 4,
            CommunicationWay::SocialMedia => 8,
        }
    }
}

/// How a person wants to be matched; the real form offered exactly these three.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub enum MatchPreference {
    /// Someone at a similar stage of their career.
    CareerStage,
    /// Someone with similar interests and in the same sector.
    InterestSector,
    /// Open to anyone.
    #[default]
    Any,
}

impl MatchPreference {
    pub const ALL: [MatchPreference; 3] = [
        MatchPreference::CareerStage,
        MatchPreference::InterestSector,
        MatchPreference::Any,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MatchPreference::CareerStage => "career_stage",
            MatchPreference::InterestSector => "interest_sector",
            MatchPreference::Any => "any",
        }
    }

    /// Other spellings people type for the preference, besides its id: the words the form
    /// shows. Input parsing, not display.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            MatchPreference::CareerStage => &[
                "someone at a similar career stage",
                "career stage",
                "by career stage",
                "similar career stage",
            ],
            MatchPreference::InterestSector => &[
                "someone with similar interests and sector",
                "interest/sector",
                "by interest/sector",
                "interests and sector",
                "interest and sector",
                "by interest",
                "by interest or sector",
                "interests",
                "sector",
            ],
            MatchPreference::Any => &[
                "open to anyone",
                "open to any",
                "anyone",
                "no preference",
                "either",
                "open",
            ],
        }
    }

    /// Accepts the id or one of its spellings in any case.
    pub fn parse(input: &str) -> Result<MatchPreference, ApplicationValueError> {
        let wanted = snake(input);
        MatchPreference::ALL
            .into_iter()
            .find(|p| p.as_str() == wanted || p.spellings().iter().any(|s| snake(s) == wanted))
            .ok_or_else(|| ApplicationValueError::MatchPreference(input.trim().to_owned()))
    }
}

/// Why one of the small enumerated values of the form is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplicationValueError {
    #[error("{0:?} is not a way to communicate; choose email, video, chat or social_media")]
    CommunicationWay(String),
    #[error("{0:?} is not a matching preference; choose career_stage, interest_sector or any")]
    MatchPreference(String),
}

macro_rules! id_serde {
    ($ty:ty) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                <$ty>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_serde!(CommunicationWay);
id_serde!(MatchPreference);

/// Lower case, trimmed, runs of spaces, hyphens and underscores made one underscore.
fn snake(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for ch in input.trim().chars() {
        if ch == ' ' || ch == '-' || ch == '_' {
            if !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    out
}

/// The non-blank, trimmed items of a `;`- or `,`-separated list.
pub(crate) fn split_list(input: &str) -> impl Iterator<Item = &str> {
    input
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Longest free-text answers: enough for a paragraph, short enough to read in a review queue.
pub const LONG_TEXT_MAX_LEN: usize = 2000;
/// Longest one-line answers (city, institution, role, other interests).
pub const SHORT_TEXT_MAX_LEN: usize = 200;
/// The most areas of interest one person may pick.
pub const MAX_INTERESTS: usize = 10;

/// The fields of the application form, named as the errors name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationField {
    Name,
    Email,
    Country,
    City,
    TimeZone,
    Institution,
    Sector,
    Role,
    CareerStage,
    Interests,
    OtherInterests,
    Languages,
    Communication,
    MatchPreference,
    Goals,
    Offer,
    Consent,
}

impl ApplicationField {
    /// The form field's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationField::Name => "name",
            ApplicationField::Email => "email",
            ApplicationField::Country => "country",
            ApplicationField::City => "city",
            ApplicationField::TimeZone => "time_zone",
            ApplicationField::Institution => "institution",
            ApplicationField::Sector => "sector",
            ApplicationField::Role => "role",
            ApplicationField::CareerStage => "career_stage",
            ApplicationField::Interests => "interests",
            ApplicationField::OtherInterests => "other_interests",
            ApplicationField::Languages => "languages",
            ApplicationField::Communication => "communication",
            ApplicationField::MatchPreference => "match_preference",
            ApplicationField::Goals => "goals",
            ApplicationField::Offer => "offer",
            ApplicationField::Consent => "consent",
        }
    }
}

impl fmt::Display for ApplicationField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One wrong field of the application form, with a message for the person filling it in.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: ApplicationField,
    pub message: String,
}

/// What a person sent on the application form, as raw text. Multi-valued fields come as the
/// list of checked boxes; `languages` also accepts one `;`- or `,`-separated text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    pub name: String,
    pub email: String,
    pub country: String,
    pub city: String,
    /// Blank takes the country's usual zone.
    pub time_zone: String,
    pub institution: String,
    pub sector: String,
    pub role: String,
    pub career_stage: String,
    pub interests: Vec<String>,
    pub other_interests: String,
    pub languages: Vec<String>,
    pub communication: Vec<String>,
    pub match_preference: String,
    pub goals: String,
    pub offer: String,
    /// "on", "yes", "true" or "1" when the box is ticked.
    pub consent: String,
}

/// A complete, valid application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    pub name: DisplayName,
    pub email: Email,
    pub country: CountryCode,
    pub city: String,
    pub time_zone: TimeZoneName,
    pub institution: String,
    pub sector: Sector,
    pub role: String,
    pub career_stage: CareerStage,
    /// Chosen from the round's catalogue.
    pub interests: BTreeSet<Interest>,
    /// Free text for interests not in the catalogue; coordinators may code it later.
    pub other_interests: String,
    pub languages: BTreeSet<LanguageCode>,
    pub communication: BTreeSet<CommunicationWay>,
    pub preference: MatchPreference,
    pub goals: String,
    pub offer: String,
}

impl Application {
    /// Parses the form against the round's interest catalogue, with one error per wrong
    /// field, in form order.
    pub fn parse(
        form: &ApplicationForm,
        catalogue: &InterestCatalogue,
    ) -> Result<Application, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: ApplicationField, message: String| {
            errors.push(FieldError { field, message });
        };
        let name = DisplayName::parse(&form.name)
            .map_err(|e| fail(ApplicationField::Name, e.to_string()))
            .ok();
        let email = Email::parse(&form.email)
            .map_err(|e| fail(ApplicationField::Email, e.to_string()))
            .ok();
        let country = CountryCode::parse(&form.country)
            .map_err(|e| fail(ApplicationField::Country, e.to_string()))
            .ok();
        let city = short_text(&form.city, true)
            .map_err(|m| fail(ApplicationField::City, m))
            .ok();
        let time_zone = if form.time_zone.trim().is_empty() {
            // Suggested from the country; without a valid country the country error says it.
            country.and_then(|c| TimeZoneName::parse(c.default_time_zone()).ok())
        } else {
            TimeZoneName::parse(&form.time_zone)
                .map_err(|e| fail(ApplicationField::TimeZone, e.to_string()))
                .ok()
        };
        let institution = short_text(&form.institution, true)
            .map_err(|m| fail(ApplicationField::Institution, m))
            .ok();
        let sector = Sector::parse(&form.sector)
            .map_err(|e| fail(ApplicationField::Sector, e.to_string()))
            .ok();
        let role = short_text(&form.role, true)
            .map_err(|m| fail(ApplicationField::Role, m))
            .ok();
        let career_stage = CareerStage::parse(&form.career_stage)
            .map_err(|e| fail(ApplicationField::CareerStage, e.to_string()))
            .ok();
        let interests = {
            let picked: Result<BTreeSet<Interest>, InterestError> = form
                .interests
                .iter()
                .filter(|i| !i.trim().is_empty())
                .map(|i| catalogue.pick(i))
                .collect();
            match picked {
                Ok(set) if set.len() > MAX_INTERESTS => {
                    fail(
                        ApplicationField::Interests,
                        format!("choose at most {MAX_INTERESTS} areas of interest"),
                    );
                    None
                }
                Ok(set) => Some(set),
                Err(e) => {
                    fail(ApplicationField::Interests, e.to_string());
                    None
                }
            }
        };
        let other_interests = short_text(&form.other_interests, false)
            .map_err(|m| fail(ApplicationField::OtherInterests, m))
            .ok();
        let languages = {
            let parsed: Result<BTreeSet<LanguageCode>, LanguageError> = form
                .languages
                .iter()
                .flat_map(|l| split_list(l))
                .map(LanguageCode::parse)
                .collect();
            match parsed {
                Ok(set) if set.is_empty() => {
                    fail(
                        ApplicationField::Languages,
                        "choose at least one language you can work in".to_owned(),
                    );
                    None
                }
                Ok(set) => Some(set),
                Err(e) => {
                    fail(ApplicationField::Languages, e.to_string());
                    None
                }
            }
        };
        let communication = {
            let parsed: Result<BTreeSet<CommunicationWay>, ApplicationValueError> = form
                .communication
                .iter()
                .filter(|w| !w.trim().is_empty())
                .map(|w| CommunicationWay::parse(w))
                .collect();
            match parsed {
                Ok(set) if set.is_empty() => {
                    fail(
                        ApplicationField::Communication,
                        "choose at least one way to keep in touch".to_owned(),
                    );
                    None
                }
                Ok(set) => Some(set),
                Err(e) => {
                    fail(ApplicationField::Communication, e.to_string());
                    None
                }
            }
        };
        let preference = if form.match_preference.trim().is_empty() {
            fail(
                ApplicationField::MatchPreference,
                "choose how you would like to be matched".to_owned(),
            );
            None
        } else {
            MatchPreference::parse(&form.match_preference)
                .map_err(|e| fail(ApplicationField::MatchPreference, e.to_string()))
                .ok()
        };
        let goals = long_text(&form.goals, true)
            .map_err(|m| fail(ApplicationField::Goals, m))
            .ok();
        let offer = long_text(&form.offer, false)
            .map_err(|m| fail(ApplicationField::Offer, m))
            .ok();
        let consent = matches!(
            form.consent.trim().to_lowercase().as_str(),
            "on" | "yes" | "true" | "1"
        );
        if !consent {
            fail(
                ApplicationField::Consent,
                "agree to the code of conduct and the privacy notice to apply".to_owned(),
            );
        }

        match (
            name,
            email,
            country,
            city,
            time_zone,
            institution,
            sector,
            role,
            career_stage,
            interests,
            other_interests,
            languages,
            communication,
            preference,
            goals,
            offer,
        ) {
            (
                Some(name),
                Some(email),
                Some(country),
                Some(city),
                Some(time_zone),
                Some(institution),
                Some(sector),
                Some(role),
                Some(career_stage),
                Some(interests),
                Some(other_interests),
                Some(languages),
                Some(communication),
                Some(preference),
                Some(goals),
                Some(offer),
            ) if errors.is_empty() => Ok(Application {
                name,
                email,
                country,
                city,
                time_zone,
                institution,
                sector,
                role,
                career_stage,
                interests,
                other_interests,
                languages,
                communication,
                preference,
                goals,
                offer,
            }),
            _ => Err(errors),
        }
    }

    /// The application as a form, to fill in a returning person's previous answers. Consent
    /// is left blank: it is given again for every round.
    pub fn to_form(&self) -> ApplicationForm {
        ApplicationForm {
            name: self.name.as_str().to_owned(),
            email: self.email.as_str().to_owned(),
            country: self.country.as_str().to_owned(),
            city: self.city.clone(),
            time_zone: self.time_zone.as_str().to_owned(),
            institution: self.institution.clone(),
            sector: self.sector.as_str().to_owned(),
            role: self.role.clone(),
            career_stage: self.career_stage.as_str().to_owned(),
            interests: self
                .interests
                .iter()
                .map(|i| i.as_str().to_owned())
                .collect(),
            other_interests: self.other_interests.clone(),
            languages: self
                .languages
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect(),
            communication: self
                .communication
                .iter()
                .map(|w| w.as_str().to_owned())
                .collect(),
            match_preference: self.preference.as_str().to_owned(),
            goals: self.goals.clone(),
            offer: self.offer.clone(),
            consent: String::new(),
        }
    }

    /// What scoring needs from this application, with the person's history.
    pub fn match_profile(&self, history: History) -> MatchProfile {
        MatchProfile {
            country: self.country,
            sector: self.sector,
            career_stage: self.career_stage,
            time_zone: self.time_zone.clone(),
            interests: self.interests.clone(),
            languages: self.languages.clone(),
            communication: self.communication.clone(),
            preference: self.preference,
            history,
        }
    }

    /// The fields duplicate detection compares.
    pub fn identity(&self) -> Identity {
        Identity {
            email: self.email.as_str().to_owned(),
            name: self.name.as_str().to_owned(),
            institution: self.institution.clone(),
            country: self.country,
        }
    }
}

/// A trimmed one-line answer of at most [`SHORT_TEXT_MAX_LEN`] characters.
fn short_text(input: &str, required: bool) -> Result<String, String> {
    let trimmed = input.trim();
    if required && trimmed.is_empty() {
        return Err("this field is required".to_owned());
    }
    if trimmed.chars().count() > SHORT_TEXT_MAX_LEN {
        return Err(format!("use at most {SHORT_TEXT_MAX_LEN} characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("use a single line of text".to_owned());
    }
    Ok(trimmed.to_owned())
}

/// A trimmed paragraph of at most [`LONG_TEXT_MAX_LEN`] characters; line breaks are fine.
fn long_text(input: &str, required: bool) -> Result<String, String> {
    let trimmed = input.trim();
    if required && trimmed.is_empty() {
        return Err("this field is required".to_owned());
    }
    if trimmed.chars().count() > LONG_TEXT_MAX_LEN {
        return Err(format!("use at most {LONG_TEXT_MAX_LEN} characters"));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("remove the control characters".to_owned());
    }
    Ok(trimmed.to_owned())
}

/// What duplicate detection compares of an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub email: String,
    pub name: String,
    pub institution: String,
    pub country: CountryCode,
}

/// Why applications look like the same person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    SameEmail,
    SameNameInstitutionCountry,
}

/// Applications that look like the same person, for a coordinator to merge or keep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// Positions in the list given, ascending.
    pub members: Vec<usize>,
    pub reason: DuplicateReason,
}

/// Finds likely duplicates: the same email (ignoring case), or the same name, institution and
/// country once names are normalised (case, accents, punctuation and word order ignored, so
/// "Silva, Ana" matches "ana silva"); the second rule needs an institution, because a common
/// name in a large country is not suspicious by itself. A group found by email is not
/// reported again by name.
/// Groups come sorted by their first member.
pub fn find_duplicates(people: &[Identity]) -> Vec<DuplicateGroup> {
    let mut by_email: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut by_name: BTreeMap<(String, String, CountryCode), Vec<usize>> = BTreeMap::new();
    for (n, p) in people.iter().enumerate() {
        let email = p.email.trim().to_lowercase();
        if !email.is_empty() {
            by_email.entry(email).or_default().push(n);
        }
        // Without an institution a shared name and country is common, not suspicious.
        let name = normalise_name(&p.name);
        let institution = normalise_name(&p.institution);
        if !name.is_empty() && !institution.is_empty() {
            by_name
                .entry((name, institution, p.country))
                .or_default()
                .push(n);
        }
    }
    let mut groups: Vec<DuplicateGroup> = by_email
        .into_values()
        .filter(|m| m.len() > 1)
        .map(|members| DuplicateGroup {
            members,
            reason: DuplicateReason::SameEmail,
        })
        .collect();
    for members in by_name.into_values().filter(|m| m.len() > 1) {
        let covered = groups
            .iter()
            .any(|g| members.iter().all(|m| g.members.contains(m)));
        if !covered {
            groups.push(DuplicateGroup {
                members,
                reason: DuplicateReason::SameNameInstitutionCountry,
            });
        }
    }
    groups.sort_by(|a, b| a.members.cmp(&b.members).then(a.reason.cmp(&b.reason)));
    groups
}

/// Lower case, common Latin accents removed, punctuation dropped, words sorted.
fn normalise_name(input: &str) -> String {
    let folded: String = input
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
            'ł' | 'ľ' | 'ĺ' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' | 'ŕ' => 'r',
            'ś' | 'š' | 'ş' | 'ș' => 's',
            'ť' | 'ţ' | 'ț' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    words.sort_unstable();
    words.join(" ")
}

/// Which applicants the country cap defers to the next round. `countries` is in order of
/// arrival; a country may fill at most the cap's share of all the applications (at least
/// one place), and its applicants beyond that, the latest first to go, are deferred. Returns
/// their positions, ascending.
///
/// The share is of everyone who applied, not of those kept, so the rule is easy to explain
/// ("no country takes more than 20% of the places applied for") and one country's
/// deferrals never change another country's limit.
pub fn country_cap_deferrals(countries: &[CountryCode], cap: CountryCap) -> Vec<usize> {
    let limit = cap.limit(countries.len());
    let mut kept: BTreeMap<CountryCode, usize> = BTreeMap::new();
    let mut deferred = Vec::new();
    for (n, country) in countries.iter().enumerate() {
        let count = kept.entry(*country).or_insert(0);
        if *count < limit {
            *count += 1;
        } else {
            deferred.push(n);
        }
    }
    deferred
}

/// ISO 639-1 codes with their English names, sorted by code.
const LANGUAGES: [(&str, &str); 183] = [
    ("aa", "Afar"),
    ("ab", "Abkhazian"),
    ("ae", "Avestan"),
    ("af", "Afrikaans"),
    ("ak", "Akan"),
    ("am", "Amharic"),
    ("an", "Aragonese"),
    ("ar", "Arabic"),
    ("as", "Assamese"),
    ("av", "Avaric"),
    ("ay", "Aymara"),
    ("az", "Azerbaijani"),
    ("ba", "Bashkir"),
    ("be", "Belarusian"),
    ("bg", "Bulgarian"),
    ("bi", "Bislama"),
    ("bm", "Bambara"),
    ("bn", "Bengali"),
    ("bo", "Tibetan"),
    ("br", "Breton"),
    ("bs", "Bosnian"),
    ("ca", "Catalan"),
    ("ce", "Chechen"),
    ("ch", "Chamorro"),
    ("co", "Corsican"),
    ("cr", "Cree"),
    ("cs", "Czech"),
    ("cu", "Church Slavic"),
    ("cv", "Chuvash"),
    ("cy", "Welsh"),
    ("da", "Danish"),
    ("de", "German"),
    ("dv", "Divehi"),
    ("dz", "Dzongkha"),
    ("ee", "Ewe"),
    ("el", "Greek"),
    ("en", "English"),
    ("eo", "Esperanto"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("eu", "Basque"),
    ("fa", "Persian"),
    ("ff", "Fulah"),
    ("fi", "Finnish"),
    ("fj", "Fijian"),
    ("fo", "Faroese"),
    ("fr", "French"),
    ("fy", "Western Frisian"),
    ("ga", "Irish"),
    ("gd", "Scottish Gaelic"),
    ("gl", "Galician"),
    ("gn", "Guarani"),
    ("gu", "Gujarati"),
    ("gv", "Manx"),
    ("ha", "Hausa"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("ho", "Hiri Motu"),
    ("hr", "Croatian"),
    ("ht", "Haitian Creole"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("hz", "Herero"),
    ("ia", "Interlingua"),
    ("id", "Indonesian"),
    ("ie", "Interlingue"),
    ("ig", "Igbo"),
    ("ii", "Sichuan Yi"),
    ("ik", "Inupiaq"),
    ("io", "Ido"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("iu", "Inuktitut"),
    ("ja", "Japanese"),
    ("jv", "Javanese"),
    ("ka", "Georgian"),
    ("kg", "Kongo"),
    ("ki", "Kikuyu"),
    ("kj", "Kuanyama"),
    ("kk", "Kazakh"),
    ("kl", "Kalaallisut"),
    ("km", "Khmer"),
    ("kn", "Kannada"),
    ("ko", "Korean"),
    ("kr", "Kanuri"),
    ("ks", "Kashmiri"),
    ("ku", "Kurdish"),
    ("kv", "Komi"),
    ("kw", "Cornish"),
    ("ky", "Kyrgyz"),
    ("la", "Latin"),
    ("lb", "Luxembourgish"),
    ("lg", "Ganda"),
    ("li", "Limburgish"),
    ("ln", "Lingala"),
    ("lo", "Lao"),
    ("lt", "Lithuanian"),
    ("lu", "Luba-Katanga"),
    ("lv", "Latvian"),
    ("mg", "Malagasy"),
    ("mh", "Marshallese"),
    ("mi", "Maori"),
    ("mk", "Macedonian"),
    ("ml", "Malayalam"),
    ("mn", "Mongolian"),
    ("mr", "Marathi"),
    ("ms", "Malay"),
    ("mt", "Maltese"),
    ("my", "Burmese"),
    ("na", "Nauru"),
    ("nb", "Norwegian Bokmal"),
    ("nd", "North Ndebele"),
    ("ne", "Nepali"),
    ("ng", "Ndonga"),
    ("nl", "Dutch"),
    ("nn", "Norwegian Nynorsk"),
    ("no", "Norwegian"),
    ("nr", "South Ndebele"),
    ("nv", "Navajo"),
    ("ny", "Chichewa"),
    ("oc", "Occitan"),
    ("oj", "Ojibwa"),
    ("om", "Oromo"),
    ("or", "Oriya"),
    ("os", "Ossetian"),
    ("pa", "Punjabi"),
    ("pi", "Pali"),
    ("pl", "Polish"),
    ("ps", "Pashto"),
    ("pt", "Portuguese"),
    ("qu", "Quechua"),
    ("rm", "Romansh"),
    ("rn", "Rundi"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("rw", "Kinyarwanda"),
    ("sa", "Sanskrit"),
    ("sc", "Sardinian"),
    ("sd", "Sindhi"),
    ("se", "Northern Sami"),
    ("sg", "Sango"),
    ("si", "Sinhala"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sm", "Samoan"),
    ("sn", "Shona"),
    ("so", "Somali"),
    ("sq", "Albanian"),
    ("sr", "Serbian"),
    ("ss", "Swati"),
    ("st", "Southern Sotho"),
    ("su", "Sundanese"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("ta", "Tamil"),
    ("te", "Telugu"),
    ("tg", "Tajik"),
    ("th", "Thai"),
    ("ti", "Tigrinya"),
    ("tk", "Turkmen"),
    ("tl", "Tagalog"),
    ("tn", "Tswana"),
    ("to", "Tonga"),
    ("tr", "Turkish"),
    ("ts", "Tsonga"),
    ("tt", "Tatar"),
    ("tw", "Twi"),
    ("ty", "Tahitian"),
    ("ug", "Uyghur"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("ve", "Venda"),
    ("vi", "Vietnamese"),
    ("vo", "Volapuk"),
    ("wa", "Walloon"),
    ("wo", "Wolof"),
    ("xh", "Xhosa"),
    ("yi", "Yiddish"),
    ("yo", "Yoruba"),
    ("za", "Zhuang"),
    ("zh", "Chinese"),
    ("zu", "Zulu"),
];
