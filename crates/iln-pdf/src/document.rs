//! What a caller builds: a document of pages, each a list of things to draw at positions
//! measured in millimetres from the page's top-left corner.

use crate::Error;
use crate::font::{Fonts, Weight};
use crate::units::{self, Mm, Pt};

/// The widest line drawn, in points.
const MAX_LINE_WIDTH: f32 = 1000.0;

/// The size of every page of a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    width: Mm,
    height: Mm,
}

impl PageSize {
    /// ISO A4 portrait, 210 × 297 mm.
    pub const A4: PageSize = PageSize {
        width: Mm(210.0),
        height: Mm(297.0),
    };
    /// US Letter portrait, 8.5 × 11 in.
    pub const LETTER: PageSize = PageSize {
        width: Mm(215.9),
        height: Mm(279.4),
    };

    /// A page of any size. PDF pages are between 3 and 14400 points on a side (1.06 mm to
    /// 5.08 m); a size outside that, or not a number, is brought to the nearest one allowed.
    pub fn new(width: Mm, height: Mm) -> PageSize {
        let side = |mm: Mm| {
            let pt = mm.to_pt().0;
            if (3.0..=14_400.0).contains(&pt) {
                mm
            } else {
                Pt(if pt > 14_400.0 { 14_400.0 } else { 3.0 }).to_mm()
            }
        };
        PageSize {
            width: side(width),
            height: side(height),
        }
    }

    /// The same page turned on its side: a certificate is often landscape.
    pub fn landscape(self) -> PageSize {
        PageSize {
            width: self.height,
            height: self.width,
        }
    }

    pub fn width(self) -> Mm {
        self.width
    }

    pub fn height(self) -> Mm {
        self.height
    }
}

/// A colour as red, green and blue from 0 to 255, as design tools give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
}

/// How a rectangle is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paint {
    /// Filled with the current colour.
    Fill,
    /// Its outline drawn with a line this wide in the current colour.
    Stroke(Pt),
}

/// A moment in UTC, to the second, for the document's creation date.
///
/// The crate never reads a clock: the caller passes the moment in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

/// Why [`DateTime::utc`] refused its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("year {0} is outside 1 to 9999")]
    Year(u16),
    #[error("month {0} is outside 1 to 12")]
    Month(u8),
    #[error("day {day} is not in month {month} of {year}")]
    Day { year: u16, month: u8, day: u8 },
    #[error("time {hour:02}:{minute:02}:{second:02} is not a time of day")]
    Time { hour: u8, minute: u8, second: u8 },
}

impl DateTime {
    /// A UTC date and time; leap seconds are not accepted, since PDF dates cannot say them.
    pub fn utc(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<DateTime, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError::Year(year));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day == 0 || day > days {
            return Err(DateError::Day { year, month, day });
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(DateError::Time {
                hour,
                minute,
                second,
            });
        }
        Ok(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    pub(crate) fn to_pdf(self) -> pdf_writer::Date {
        pdf_writer::Date::new(self.year)
            .month(self.month)
            .day(self.day)
            .hour(self.hour)
            .minute(self.minute)
            .second(self.second)
            .utc_offset_hour(0)
            .utc_offset_minute(0)
    }
}

/// The document information a reader shows in its properties and title bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub created: Option<DateTime>,
}

/// A document being built. Add pages with [`Document::add_page`], then [`Document::finish`].
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) fonts: Fonts,
    pub(crate) size: PageSize,
    pub(crate) metadata: Metadata,
    pub(crate) pages: Vec<Page>,
}

/// What [`Document::finish`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// The characters that were drawn as a replacement glyph (U+FFFD's diamond) because the
    /// font has no glyph for them or their script needs shaping this writer does not do, in
    /// order of first appearance, each once. Empty when everything was drawn as asked.
    pub missing: Vec<char>,
}

impl Document {
    /// An empty document whose pages are all `size`.
    pub fn new(fonts: &Fonts, size: PageSize) -> Document {
        Document {
            fonts: fonts.clone(),
            size,
            metadata: Metadata::default(),
            pages: Vec::new(),
        }
    }

    pub fn with_metadata(mut self, metadata: Metadata) -> Document {
        self.metadata = metadata;
        self
    }

    pub fn page_size(&self) -> PageSize {
        self.size
    }

    /// Adds a blank page at the end and returns it to draw on.
    pub fn add_page(&mut self) -> &mut Page {
        self.pages.push(Page {
            height: self.size.height,
            color: Rgb::BLACK,
            ops: Vec::new(),
        });
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Writes the PDF. A document with no pages gets one blank page, since common readers
    /// refuse to open a PDF without any.
    ///
    /// This fails only if the embedded font cannot be subset, which does not depend on the
    /// text drawn (the crate's tests subset every glyph both faces have).
    pub fn finish(mut self) -> Result<Output, Error> {
        if self.pages.is_empty() {
            self.add_page();
        }
        crate::write::write(self)
    }
}

/// One page: what to draw on it, in order; later things are drawn over earlier ones.
#[derive(Debug, Clone)]
pub struct Page {
    height: Mm,
    color: Rgb,
    pub(crate) ops: Vec<Op>,
}

/// One drawing operation, already in PDF coordinates: points from the bottom-left corner.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        color: Rgb,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        paint: Paint,
        color: Rgb,
    },
}

impl Page {
    /// Sets the colour of the text, rules and rectangles drawn after this on the page; a
    /// page starts black.
    pub fn set_color(&mut self, color: Rgb) -> &mut Page {
        self.color = color;
        self
    }

    /// Draws `text` on one line starting at `x`, with its baseline at `y` below the top of
    /// the page. Line breaks and other control characters draw nothing: break lines with
    /// [`Fonts::wrap`] and draw each one.
    pub fn text(&mut self, x: Mm, y: Mm, size: Pt, weight: Weight, text: &str) -> &mut Page {
        let (x, y) = self.point(x, y);
        let size = units::type_size(size).0;
        self.ops.push(Op::Text {
            x,
            y,
            size,
            weight,
            color: self.color,
            text: text.to_owned(),
        });
        self
    }

    /// Draws a straight line from one point to another, `width` wide, its ends cut square at the two points.
    pub fn rule(&mut self, x1: Mm, y1: Mm, x2: Mm, y2: Mm, width: Pt) -> &mut Page {
        let from = self.point(x1, y1);
        let to = self.point(x2, y2);
        let width = units::magnitude(width.0, MAX_LINE_WIDTH);
        self.ops.push(Op::Line {
            from,
            to,
            width,
            color: self.color,
        });
        self
    }

    /// Draws a rectangle whose top-left corner is at `x`, `y` below the top of the page.
    pub fn rect(&mut self, x: Mm, y: Mm, width: Mm, height: Mm, paint: Paint) -> &mut Page {
        let (left, top) = self.point(x, y);
        let (right, bottom) = self.point(x + width, y + height);
        let paint = match paint {
            Paint::Fill => Paint::Fill,
            Paint::Stroke(width) => Paint::Stroke(Pt(units::magnitude(width.0, MAX_LINE_WIDTH))),
        };
        self.ops.push(Op::Rect {
            x: left,
            y: bottom,
            width: units::coordinate(right - left),
            height: units::coordinate(top - bottom),
            paint,
            color: self.color,
        });
        self
    }

    /// A point given from the top-left corner in millimetres, in PDF's coordinates: points
    /// from the bottom-left corner.
    fn point(&self, x: Mm, y: Mm) -> (f32, f32) {
        (
            units::coordinate(x.to_pt().0),
            units::coordinate((self.height - y).to_pt().0),
        )
    }
}
