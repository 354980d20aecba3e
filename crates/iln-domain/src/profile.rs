//! A participant's professional profile: the library sector they work in and their career stage.

use std::fmt;

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

    /// Plain English for people.
    pub fn label(self) -> &'static str {
        match self {
            Sector::Academic => "Academic library",
            Sector::Public => "Public library",
            Sector::School => "School library",
            Sector::Special => "Special library",
            Sector::Government => "Government library",
            Sector::National => "National library",
            Sector::Archives => "Archives",
            Sector::Museum => "Museum",
            Sector::LisEducation => "Library and information science education",
            Sector::Vendor => "Vendor or supplier",
            Sector::Other => "Other",
        }
    }

    /// Accepts the id or the label, in any case, with spaces or hyphens for underscores.
    pub fn parse(input: &str) -> Result<Sector, ProfileError> {
        let wanted = normalise(input);
        Sector::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted || normalise(s.label()) == wanted)
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

    /// Plain English for people.
    pub fn label(self) -> &'static str {
        match self {
            CareerStage::Student => "Student",
            CareerStage::Early => "Early career (up to 5 years)",
            CareerStage::Mid => "Mid career (5 to 15 years)",
            CareerStage::Senior => "Senior (more than 15 years)",
        }
    }

    /// Accepts the id or the label, in any case, with spaces or hyphens for underscores.
    pub fn parse(input: &str) -> Result<CareerStage, ProfileError> {
        let wanted = normalise(input);
        CareerStage::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted || normalise(s.label()) == wanted)
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
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

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
