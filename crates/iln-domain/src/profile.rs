//! A participant's professional profile: the library sector they work in and their career stage.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Why a string is not a sector or a career stage.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    #[error("{0:?} is not a library sector we know")]
    UnknownSector(String),
    #[error("{0:?} is not a career stage we know")]
    UnknownCareerStage(String),
}

/// The kind of library or information work a person does; the program matched people "by
/// interest/sector" on request.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Sector {
    Academic,
    Public,
    School,
    Special,
    Government,
    National,
    Archives,
    Museum,
    LisEducation,
    Vendor,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 11] = [
        Sector::Academic,
        Sector::Public,
        Sector::School,
        Sector::Special,
        Sector::Government,
        Sector::National,
        Sector::Archives,
        Sector::Museum,
        Sector::LisEducation,
        Sector::Vendor,
        Sector::Other,
    ];

    /// The snake_case id stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Academic => "academic",
            Sector::Public => "public",
            Sector::School => "school",
            Sector::Special => "special",
            Sector::Government => "government",
            Sector::National => "national",
            Sector::Archives => "archives",
            Sector::Museum => "museum",
            Sector::LisEducation => "lis_education",
            Sector::Vendor => "vendor",
            Sector::Other => "other",
        }
    }

    /// Other spellings people type for the sector (in an imported spreadsheet, say), besides
    /// its id: the words the form shows. Input parsing, not display: these stay accepted even
    /// if the page's words change.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            // The form's words, then what people type in a spreadsheet or another form.
            Sector::Academic => &[
                "academic library",
                "university library",
                "university",
                "college library",
                "academic libraries",
                "higher education",
                "research library",
            ],
            Sector::Public => &["public library", "public libraries", "community library"],
            Sector::School => &["school library", "school libraries", "school"],
            Sector::Special => &["special library", "special libraries", "corporate library"],
            Sector::Government => &["government library", "government", "parliamentary library"],
            Sector::National => &["national library", "national libraries", "state library"],
            Sector::Archives => &["archives", "archive", "records management"],
            Sector::Museum => &["museum", "museums", "gallery"],
            Sector::LisEducation => &[
                "library and information science education",
                "lis education",
                "library school",
                "lis school",
            ],
            Sector::Vendor => &["vendor or supplier", "vendor", "supplier", "publisher"],
            Sector::Other => &["other"],
        }
    }

    /// Accepts the id or one of its spellings, in any case, with spaces or hyphens for underscores.
    pub fn parse(input: &str) -> Result<Sector, ProfileError> {
        let wanted = normalise(input);
        Sector::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted || s.spellings().iter().any(|l| normalise(l) == wanted))
            .ok_or_else(|| ProfileError::UnknownSector(input.trim().to_owned()))
    }
}

/// How long a person has worked in the profession; the program matched people "by career
/// stage" on request.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum CareerStage {
    Student,
    Early,
    Mid,
    Senior,
}

impl CareerStage {
    pub const ALL: [CareerStage; 4] = [
        CareerStage::Student,
        CareerStage::Early,
        CareerStage::Mid,
        CareerStage::Senior,
    ];

    /// The snake_case id stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            CareerStage::Student => "student",
            CareerStage::Early => "early",
            CareerStage::Mid => "mid",
            CareerStage::Senior => "senior",
        }
    }

    /// Other spellings people type for the stage, besides its id: the words the form shows.
    /// Input parsing, not display.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            // The form's words, then the variants of other forms (Google Forms among them).
            CareerStage::Student => &["student", "lis student", "still studying", "studying"],
            CareerStage::Early => &[
                "early career (up to 5 years)",
                "early career",
                "0-5 years",
                "0 to 5 years",
                "1-5 years",
                "up to 5 years",
                "less than 5 years",
                "under 5 years",
                "new professional",
            ],
            CareerStage::Mid => &[
                "mid career (5 to 15 years)",
                "mid career",
                "5-15 years",
                "5 to 15 years",
                "6-15 years",
                "5-10 years",
                "10-15 years",
            ],
            CareerStage::Senior => &[
                "senior (more than 15 years)",
                "senior",
                "15+ years",
                "15+",
                "more than 15 years",
                "over 15 years",
                "15 years or more",
                "16+ years",
                "experienced",
            ],
        }
    }

    /// Accepts the id or one of its spellings, in any case, with spaces or hyphens for underscores.
    pub fn parse(input: &str) -> Result<CareerStage, ProfileError> {
        let wanted = normalise(input);
        CareerStage::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted || s.spellings().iter().any(|l| normalise(l) == wanted))
            .ok_or_else(|| ProfileError::UnknownCareerStage(input.trim().to_owned()))
    }
}

/// Lower case, trimmed, with runs of spaces and hyphens turned into single underscores, so
/// "LIS education", "lis-education" and "lis_education" all match.
fn normalise(input: &str) -> String {
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

macro_rules! text_impls {
    ($ty:ty) => {
        impl std::str::FromStr for $ty {
            type Err = ProfileError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
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

text_impls!(Sector);
text_impls!(CareerStage);
