//! Applying to a round: the application form parsed from what a person typed, the values it is
//! made of (languages, interests, ways to communicate, how to be matched), likely duplicates
//! and the country cap.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

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
pub struct Interest(String);

/// Why a text is not an interest.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InterestError {
    #[error("an area of interest cannot be empty")]
    Empty,
    #[error("an area of interest has at most {INTEREST_MAX_LEN} characters")]
    TooLong,
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
            return Err(InterestError::Empty);
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

    /// The topics the real program's discussion rounds were about, as a starting list.
    pub fn default_topics() -> InterestCatalogue {
        let names = [
            "social media",
            "technology",
            "disaster response",
            "conferences and events",
            "information literacy",
            "open access",
            "digital libraries",
            "cataloguing and metadata",
            "reference services",
            "children and young people",
            "research support",
            "collection development",
            "library management",
            "advocacy",
            "marketing and outreach",
            "archives and preservation",
            "scholarly communication",
            "professional development",
        ];
        InterestCatalogue {
            interests: names.iter().map(|n| Interest(n.to_string())).collect(),
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

    /// Plain English for people.
    pub fn label(self) -> &'static str {
        match self {
            CommunicationWay::Email => "Email",
            CommunicationWay::Video => "Video call",
            CommunicationWay::Chat => "Chat",
            CommunicationWay::SocialMedia => "Social media",
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

    /// Accepts the id or the label in any case, with spaces or hyphens for underscores.
    pub fn parse(input: &str) -> Result<CommunicationWay, ApplicationValueError> {
        let wanted = snake(input);
        CommunicationWay::ALL
            .into_iter()
            .find(|w| w.as_str() == wanted || snake(w.label()) == wanted)
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

    pub fn label(self) -> &'static str {
        match self {
            MatchPreference::CareerStage => "Someone at a similar career stage",
            MatchPreference::InterestSector => "Someone with similar interests and sector",
            MatchPreference::Any => "Open to anyone",
        }
    }

    /// Accepts the id or the label in any case.
    pub fn parse(input: &str) -> Result<MatchPreference, ApplicationValueError> {
        let wanted = snake(input);
        MatchPreference::ALL
            .into_iter()
            .find(|p| p.as_str() == wanted || snake(p.label()) == wanted)
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
