//! Reads the handful of TrueType tables that laying out and embedding text needs: the
//! character map, advances, kerning pairs and the numbers a PDF font descriptor asks for.
//!
//! This is not a general font parser. It reads the two DejaVu faces compiled into the crate,
//! whose tables are known (a format 12 `cmap` subtable, a version 0 `kern` table with one
//! format 0 subtable), and refuses a font that lacks what it needs instead of guessing. Every
//! read is bounds-checked, so a truncated table gives an error or a missing value, never a
//! panic.

/// Why a font could not be read, for [`crate::Error::Font`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed(pub &'static str);

/// One parsed face: its raw bytes (for the subsetter) and the values read from its tables.
#[derive(Clone)]
pub(crate) struct Face {
    pub data: &'static [u8],
    pub units_per_em: u16,
    pub ascender: i16,
    pub descender: i16,
    pub cap_height: i16,
    /// The union of all glyph boxes, as `head` gives it: x min, y min, x max, y max.
    pub bbox: [i16; 4],
    pub italic_angle: f32,
    pub weight_class: u16,
    num_glyphs: u16,
    /// The groups of the format 12 `cmap` subtable, 12 bytes each.
    cmap_groups: &'static [u8],
    hmtx: &'static [u8],
    num_h_metrics: u16,
    /// The pairs of the format 0 `kern` subtable, 6 bytes each, sorted by (left, right) as the
    /// format requires; empty when the font has no such table.
    kern_pairs: &'static [u8],
}

/// Shows the face's numbers, not its 700 KB of bytes, in a `{:?}` of a document or fonts.
impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("bytes", &self.data.len())
            .field("units_per_em", &self.units_per_em)
            .field("num_glyphs", &self.num_glyphs)
            .finish_non_exhaustive()
    }
}

impl Face {
    pub fn parse(data: &'static [u8]) -> Result<Self, Malformed> {
        let head = table(data, *b"head").ok_or(Malformed("no head table"))?;
        let hhea = table(data, *b"hhea").ok_or(Malformed("no hhea table"))?;
        let hmtx = table(data, *b"hmtx").ok_or(Malformed("no hmtx table"))?;
        let maxp = table(data, *b"maxp").ok_or(Malformed("no maxp table"))?;
        let cmap = table(data, *b"cmap").ok_or(Malformed("no cmap table"))?;
        // OS/2 and post only refine the font descriptor, so their absence is no error.
        let os2 = table(data, *b"OS/2");
        let post = table(data, *b"post");

        let units_per_em = u16_at(head, 18).ok_or(Malformed("short head table"))?;
        if units_per_em == 0 {
            return Err(Malformed("zero units per em"));
        }
        let bbox = [
            i16_at(head, 36).ok_or(Malformed("short head table"))?,
            i16_at(head, 38).ok_or(Malformed("short head table"))?,
            i16_at(head, 40).ok_or(Malformed("short head table"))?,
            i16_at(head, 42).ok_or(Malformed("short head table"))?,
        ];
        let ascender = i16_at(hhea, 4).ok_or(Malformed("short hhea table"))?;
        let descender = i16_at(hhea, 6).ok_or(Malformed("short hhea table"))?;
        let num_h_metrics = u16_at(hhea, 34).ok_or(Malformed("short hhea table"))?;
        if num_h_metrics == 0 || hmtx.len() < usize::from(num_h_metrics) * 4 {
            return Err(Malformed("hmtx shorter than hhea says"));
        }
        let num_glyphs = u16_at(maxp, 4).ok_or(Malformed("short maxp table"))?;
        let cmap_groups = unicode_groups(cmap).ok_or(Malformed("no format 12 Unicode cmap"))?;
        let weight_class = os2.and_then(|t| u16_at(t, 4)).unwrap_or(400);
        let italic_angle = post
            .and_then(|t| u32_at(t, 4))
            // A 16.16 fixed-point number; the cast reinterprets its bits as signed.
            .map_or(0.0, |fixed| fixed.cast_signed() as f32 / 65536.0);
        let kern_pairs = table(data, *b"kern").and_then(kern_pairs).unwrap_or(&[]);

        let mut face = Face {
            data,
            units_per_em,
            ascender,
            descender,
            cap_height: ascender,
            bbox,
            italic_angle,
            weight_class,
            num_glyphs,
            cmap_groups,
            hmtx,
            num_h_metrics,
            kern_pairs,
        };
        // Version 1 OS/2 tables (DejaVu's) have no cap height, so take the top of 'H', which
        // is what the value means; the ascender stands in if even that cannot be read.
        if let Some(top) = face
            .glyph_index('H')
            .and_then(|gid| glyph_top(data, head, gid))
        {
            face.cap_height = top;
        }
        Ok(face)
    }

    /// The glyph the font maps `c` to, or `None` when it has none (glyph 0 is `.notdef`,
    /// the font's own "no glyph", so it counts as none).
    pub fn glyph_index(&self, c: char) -> Option<u16> {
        let code = u32::from(c);
        let count = self.cmap_groups.len() / 12;
        // Binary search over groups sorted by start code, as the format requires.
        let (mut lo, mut hi) = (0, count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = u32_at(self.cmap_groups, mid * 12)?;
            let end = u32_at(self.cmap_groups, mid * 12 + 4)?;
            if code < start {
                hi = mid;
            } else if code > end {
                lo = mid + 1;
            } else {
                let first = u32_at(self.cmap_groups, mid * 12 + 8)?;
                let gid = u16::try_from(first.checked_add(code - start)?).ok()?;
                return (gid != 0 && gid < self.num_glyphs).then_some(gid);
            }
        }
        None
    }

    /// The advance width of a glyph in font units. Glyphs past the last long metric share
    /// its advance, as `hmtx` defines.
    pub fn advance(&self, gid: u16) -> u16 {
        let index = usize::from(gid.min(self.num_h_metrics - 1));
        u16_at(self.hmtx, index * 4).unwrap_or(0)
    }

    /// The kerning between two adjacent glyphs in font units (negative pulls them closer).
    pub fn kerning(&self, left: u16, right: u16) -> i16 {
        let key = (u32::from(left) << 16) | u32::from(right);
        let count = self.kern_pairs.len() / 6;
        let (mut lo, mut hi) = (0, count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let Some(pair) = u32_at(self.kern_pairs, mid * 6) else {
                return 0;
            };
            match pair.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    return i16_at(self.kern_pairs, mid * 6 + 4).unwrap_or(0);
                }
            }
        }
        0
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes(bytes.try_into().ok()?))
}

fn i16_at(data: &[u8], at: usize) -> Option<i16> {
    u16_at(data, at).map(u16::cast_signed)
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// A table's bytes, found through the table directory at the start of the font.
fn table(data: &'static [u8], tag: [u8; 4]) -> Option<&'static [u8]> {
    let count = usize::from(u16_at(data, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + 16 * i;
        if data.get(record..record + 4)? != tag {
            return None;
        }
        let offset = usize::try_from(u32_at(data, record + 8)?).ok()?;
        let length = usize::try_from(u32_at(data, record + 12)?).ok()?;
        data.get(offset..offset.checked_add(length)?)
    })
}

/// The groups of the Windows full-Unicode (3, 10) or Unicode full-repertoire (0, 4)
/// subtable, which both use format 12 and cover every plane, so no BMP-only format 4 reader
/// is needed.
fn unicode_groups(cmap: &'static [u8]) -> Option<&'static [u8]> {
    let count = usize::from(u16_at(cmap, 2)?);
    (0..count).find_map(|i| {
        let record = 4 + 8 * i;
        let platform = u16_at(cmap, record)?;
        let encoding = u16_at(cmap, record + 2)?;
        if !matches!((platform, encoding), (3, 10) | (0, 4)) {
            return None;
        }
        let sub = cmap.get(usize::try_from(u32_at(cmap, record + 4)?).ok()?..)?;
        if u16_at(sub, 0)? != 12 {
            return None;
        }
        let groups = usize::try_from(u32_at(sub, 12)?).ok()?;
        sub.get(16..16usize.checked_add(groups.checked_mul(12)?)?)
    })
}

/// The pairs of the first horizontal format 0 subtable of a version 0 `kern` table.
fn kern_pairs(kern: &'static [u8]) -> Option<&'static [u8]> {
    if u16_at(kern, 0)? != 0 {
        return None;
    }
    let tables = u16_at(kern, 2)?;
    let mut at = 4usize;
    for _ in 0..tables {
        let length = usize::from(u16_at(kern, at + 2)?);
        let coverage = u16_at(kern, at + 4)?;
        // Format in the high byte; bit 0 horizontal; bits 1 and 2 (minimum, cross-stream)
        // change the meaning of the values, so such subtables are skipped.
        if coverage >> 8 == 0 && coverage & 0b111 == 0b001 {
            let pairs = usize::from(u16_at(kern, at + 6)?);
            let start = at + 14;
            return kern.get(start..start.checked_add(pairs.checked_mul(6)?)?);
        }
        at = at.checked_add(length)?;
    }
    None
}

/// The top (y max) of a glyph's outline, from its `glyf` header found through `loca`.
fn glyph_top(data: &'static [u8], head: &[u8], gid: u16) -> Option<i16> {
    let loca = table(data, *b"loca")?;
    let glyf = table(data, *b"glyf")?;
    let index = usize::from(gid);
    let offset = match i16_at(head, 50)? {
        0 => usize::from(u16_at(loca, index * 2)?) * 2,
        _ => usize::try_from(u32_at(loca, index * 4)?).ok()?,
    };
    i16_at(glyf, offset.checked_add(8)?)
}
