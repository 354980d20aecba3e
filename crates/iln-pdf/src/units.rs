//! Lengths: millimetres for positions on the page, points for type sizes and line widths,
//! and the clamping that keeps any number a caller passes writable as a PDF number.

use std::ops::{Add, Div, Mul, Sub};

/// Points per millimetre: a point is 1/72 inch, an inch 25.4 mm.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The largest coordinate written, in points. Readers must handle at least ±32767 (the
/// PDF 1.7 implementation limit for integers that older readers also apply to reals), and
/// nothing on a page of at most 14400 pt needs more.
const MAX_COORDINATE_PT: f32 = 32_000.0;

/// A length in millimetres: positions and distances on the page.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Mm(pub f32);

/// A length in points (1/72 inch): type sizes and line widths, as typographers give them.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Pt(pub f32);

impl Mm {
    /// This length in points.
    pub fn to_pt(self) -> Pt {
        Pt(self.0 * PT_PER_MM)
    }
}

impl Pt {
    /// This length in millimetres.
    pub fn to_mm(self) -> Mm {
        Mm(self.0 / PT_PER_MM)
    }
}

impl Add for Mm {
    type Output = Mm;
    fn add(self, other: Mm) -> Mm {
        Mm(self.0 + other.0)
    }
}

impl Sub for Mm {
    type Output = Mm;
    fn sub(self, other: Mm) -> Mm {
        Mm(self.0 - other.0)
    }
}

impl Mul<f32> for Mm {
    type Output = Mm;
    fn mul(self, factor: f32) -> Mm {
        Mm(self.0 * factor)
    }
}

impl Div<f32> for Mm {
    type Output = Mm;
    fn div(self, divisor: f32) -> Mm {
        Mm(self.0 / divisor)
    }
}

/// A coordinate in points as written: finite, within the limit readers handle, and rounded
/// to a hundredth of a point (3.5 µm, far below what a printer resolves) so that the
/// content stream does not carry nine-digit fractions.
pub(crate) fn coordinate(pt: f32) -> f32 {
    clamp_rounded(pt, -MAX_COORDINATE_PT, MAX_COORDINATE_PT)
}

/// The largest type size drawn, in points; larger sizes are drawn, and measured, at this size.
const MAX_TYPE_SIZE: f32 = 1000.0;

/// A type size as drawn and measured: finite, not negative, at most [`MAX_TYPE_SIZE`].
pub(crate) fn type_size(size: Pt) -> Pt {
    Pt(magnitude(size.0, MAX_TYPE_SIZE))
}

/// A type size or line width in points as written: finite, not negative, at most `max`.
pub(crate) fn magnitude(pt: f32, max: f32) -> f32 {
    clamp_rounded(pt, 0.0, max)
}

fn clamp_rounded(value: f32, min: f32, max: f32) -> f32 {
    // NaN would be written as "NaN", which no reader parses: it becomes 0.
    if value.is_nan() {
        return 0.0;
    }
    ((value.clamp(min, max) * 100.0).round() / 100.0).clamp(min, max)
}
