//! The contact log: partners note when and how they were in touch, so a partnership that
//! went quiet shows, and the coordinators can step in.

use jiff::civil::Date;

/// How partners were in touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactWay {
    Email,
    Video,
    Chat,
    Social,
    InPerson,
    /// "Yes, we are in touch", answered to a check-in: it counts as a contact.
    CheckIn,
}

impl ContactWay {
    /// The ways a person logs by hand, in the form's order.
    pub const ALL: [ContactWay; 5] = [
        ContactWay::Email,
        ContactWay::Video,
        ContactWay::Chat,
        ContactWay::Social,
        ContactWay::InPerson,
    ];

    /// The id stored and posted.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactWay::Email => "email",
            ContactWay::Video => "video",
            ContactWay::Chat => "chat",
            ContactWay::Social => "social",
            ContactWay::InPerson => "in_person",
            ContactWay::CheckIn => "checkin",
        }
    }

    /// A way a person may log by hand (never `checkin`, which only a check-in answer makes).
    pub fn parse(text: &str) -> Option<ContactWay> {
        let text = text.trim();
        ContactWay::ALL.into_iter().find(|w| w.as_str() == text)
    }

    /// Any stored way.
    pub fn from_stored(text: &str) -> Option<ContactWay> {
        ContactWay::parse(text).or((text == "checkin").then_some(ContactWay::CheckIn))
    }
}

/// Why a contact is refused. Display is developer-facing; the web layer has the words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    Date(String),
    #[error("{on} is in the future")]
    Future { on: Date },
    #[error("{on} is before the partnership began on {began}")]
    BeforeStart { on: Date, began: Date },
    #[error("{0:?} is not a way of keeping in touch")]
    Way(String),
}

/// A contact's day: blank is `today`; never after today, never before the partnership.
pub fn parse_day(input: &str, today: Date, began: Date) -> Result<Date, ContactError> {
    let input = input.trim();
    let on = if input.is_empty() {
        today
    } else {
        input
            .parse::<Date>()
            .map_err(|_| ContactError::Date(input.to_owned()))?
    };
    if on > today {
        Err(ContactError::Future { on })
    } else if on < began {
        Err(ContactError::BeforeStart { on, began })
    } else {
        Ok(on)
    }
}
