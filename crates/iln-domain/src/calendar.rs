//! iCalendar (RFC 5545) text for the dates of a round: events with stable UIDs, written with
//! CRLF line ends, lines folded at 75 octets (never inside a UTF-8 character), and text
//! values escaped. A date of the round's timeline is a whole day (`VALUE=DATE`), which needs
//! no time zone; a moment is written in UTC. No I/O: the caller gives the time of writing.

use jiff::Timestamp;
use jiff::civil::Date;

/// When an event happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum When {
    /// A whole day, as the round's timeline names it.
    Day(Date),
    /// A moment and how long it lasts.
    At { start: Timestamp, minutes: i64 },
}

/// One event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Stable across downloads, so a calendar updates the event instead of adding another.
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub when: When,
    /// The page about it, absolute.
    pub url: Option<String>,
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded so no line is longer than 75 octets: the rest continues on lines
/// that start with a space (RFC 5545 3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for ch in content.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
}

fn stamp(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A calendar of `events`, written at `now`.
pub fn calendar(name: &str, events: &[Event], now: Timestamp) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(
        &mut out,
        "PRODID:-//International Librarians Network//ILN//EN",
    );
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    for event in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", text(&event.uid)));
        line(&mut out, &format!("DTSTAMP:{}", stamp(now)));
        match &event.when {
            When::Day(date) => {
                line(
                    &mut out,
                    &format!("DTSTART;VALUE=DATE:{}", date.strftime("%Y%m%d")),
                );
                // DTEND of a whole day is the next day (exclusive); at the end of the
                // calendar's range the day stands alone, which means one day too.
                if let Ok(next) = date.tomorrow() {
                    line(
                        &mut out,
                        &format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")),
                    );
                }
                line(&mut out, "TRANSP:TRANSPARENT");
            }
            When::At { start, minutes } => {
                line(&mut out, &format!("DTSTART:{}", stamp(*start)));
                let end = start
                    .checked_add(jiff::SignedDuration::from_mins(*minutes))
                    .unwrap_or(*start);
                line(&mut out, &format!("DTEND:{}", stamp(end)));
            }
        }
        line(&mut out, &format!("SUMMARY:{}", text(&event.summary)));
        if !event.description.is_empty() {
            line(
                &mut out,
                &format!("DESCRIPTION:{}", text(&event.description)),
            );
        }
        if let Some(url) = &event.url {
            // A URI value is not TEXT: it is written as it is, without escaping.
            line(&mut out, &format!("URL:{}", url.replace(['\r', '\n'], "")));
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().expect("a date")
    }

    #[test]
    fn a_whole_day_event_is_written_with_crlf_and_its_next_day_as_end() {
        let now: Timestamp = "2027-01-15T10:00:00Z".parse().expect("a time");
        let ics = calendar(
            "ILN",
            &[Event {
                uid: "round-4-applications-close@iln.test".to_owned(),
                summary: "2027 Round 1: applications close".to_owned(),
                description: "The last day to apply, edit or withdraw.".to_owned(),
                when: When::Day(day("2027-01-31")),
                url: Some("https://iln.test/rounds/4".to_owned()),
            }],
            now,
        );
        assert!(
            ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
            "{ics}"
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("\r\nDTSTART;VALUE=DATE:20270131\r\nDTEND;VALUE=DATE:20270201\r\n"));
        assert!(ics.contains("\r\nDTSTAMP:20270115T100000Z\r\n"));
        assert!(ics.contains("UID:round-4-applications-close@iln.test\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
    }

    #[test]
    fn text_is_escaped_and_long_lines_fold_between_characters() {
        let now: Timestamp = "2027-01-15T10:00:00Z".parse().expect("a time");
        let summary = "Round; with, commas \\ and\nlines ".to_owned() + &"é".repeat(60);
        let ics = calendar(
            "ILN",
            &[Event {
                uid: "x@iln.test".to_owned(),
                summary,
                description: String::new(),
                when: When::At {
                    start: now,
                    minutes: 60,
                },
                url: None,
            }],
            now,
        );
        assert!(ics.contains("SUMMARY:Round\\; with\\, commas \\\\ and\\nlines "));
        assert!(ics.contains("DTEND:20270115T110000Z"));
        for physical in ics.split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{physical:?} is {} octets",
                physical.len()
            );
        }
        // Unfolding gives back the logical line.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&"é".repeat(60)));
    }
}
