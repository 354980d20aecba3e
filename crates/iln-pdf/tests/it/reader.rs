//! A small PDF reader written for these tests, independent of the writer: it finds objects
//! through the cross-reference table, inflates streams, parses ToUnicode maps and decodes the
//! text of content streams back to characters. It reads only what this crate writes, but
//! checks everything it relies on, so a wrong offset or map fails a test instead of passing
//! by accident.

use std::collections::BTreeMap;

pub struct Pdf {
    pub bytes: Vec<u8>,
    /// Object number to its byte offset, from the cross-reference table.
    pub offsets: BTreeMap<u32, usize>,
    pub trailer: String,
}

impl Pdf {
    pub fn parse(bytes: &[u8]) -> Pdf {
        // Everything from the last "startxref" on is ASCII, and so is the table it points at
        // and the trailer after it; the body before is binary and is only sliced by offset.
        let start = bytes
            .windows(9)
            .rposition(|w| w == b"startxref")
            .expect("no startxref");
        let tail = std::str::from_utf8(&bytes[start..]).unwrap();
        let xref_at: usize = tail[9..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let table = std::str::from_utf8(&bytes[xref_at..]).expect("the xref table is not text");
        let mut lines = table.lines();
        assert_eq!(
            lines.next(),
            Some("xref"),
            "startxref does not point at the table"
        );
        let header = lines.next().unwrap();
        let numbers: Vec<u32> = header
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        let (first, count) = (numbers[0], numbers[1] as usize);
        // Entries are exactly 20 bytes each ("oooooooooo ggggg n" and a two-byte end of line).
        let entries_at = "xref\n".len() + header.len() + 1;
        let mut offsets = BTreeMap::new();
        for i in 0..count {
            let entry = &table[entries_at + 20 * i..entries_at + 20 * i + 20];
            assert!(
                entry.ends_with("\r\n") || entry.ends_with(" \n"),
                "entry {i} is not 20 bytes: {entry:?}"
            );
            let offset: usize = entry[0..10].parse().unwrap();
            if &entry[17..18] == "n" {
                offsets.insert(first + i as u32, offset);
            }
        }
        let trailer = &table[entries_at + 20 * count..];
        assert!(trailer.starts_with("trailer"));
        let trailer = trailer[..trailer.find("startxref").unwrap()].to_owned();
        Pdf {
            bytes: bytes.to_vec(),
            offsets,
            trailer,
        }
    }

    /// The object's text from "N 0 obj" to "endobj" (streams included, as raw bytes).
    pub fn object(&self, id: u32) -> &[u8] {
        let at = *self
            .offsets
            .get(&id)
            .unwrap_or_else(|| panic!("object {id} not in xref"));
        let rest = &self.bytes[at..];
        let end = find(rest, b"endobj").expect("no endobj");
        &rest[..end]
    }

    /// The dictionary part of an object, as text.
    pub fn dict(&self, id: u32) -> String {
        let object = self.object(id);
        let end = find(object, b"stream").unwrap_or(object.len());
        String::from_utf8_lossy(&object[..end]).into_owned()
    }

    /// The object number `/Key N 0 R` in an object's dictionary refers to.
    pub fn reference(&self, id: u32, key: &str) -> u32 {
        reference_in(&self.dict(id), key).unwrap_or_else(|| panic!("no {key} reference in {id}"))
    }

    /// A stream's data, inflated when it says /FlateDecode.
    pub fn stream(&self, id: u32) -> Vec<u8> {
        let object = self.object(id);
        let dict = self.dict(id);
        let length: usize = value_after(&dict, "/Length").unwrap().parse().unwrap();
        let at = find(object, b"stream").unwrap() + "stream".len();
        let at = at + if object[at] == b'\r' { 2 } else { 1 };
        let raw = &object[at..at + length];
        assert!(
            object[at + length..].windows(9).any(|w| w == b"endstream"),
            "the stream's /Length does not end at endstream"
        );
        if dict.contains("/FlateDecode") {
            miniz_oxide::inflate::decompress_to_vec_zlib(raw).expect("stream does not inflate")
        } else {
            raw.to_vec()
        }
    }

    pub fn root(&self) -> u32 {
        reference_in(&self.trailer, "/Root").unwrap()
    }

    pub fn info(&self) -> u32 {
        reference_in(&self.trailer, "/Info").unwrap()
    }

    /// The page objects, in order, from the page tree.
    pub fn pages(&self) -> Vec<u32> {
        let tree = self.reference(self.root(), "/Pages");
        let dict = self.dict(tree);
        let kids = &dict[dict.find("/Kids").unwrap()..];
        let kids = &kids[kids.find('[').unwrap() + 1..kids.find(']').unwrap()];
        let numbers: Vec<u32> = kids
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        // References are "N 0 R": the numbers come in pairs, object number first.
        numbers
            .chunks(2)
            .map(|pair| pair[0])
            .filter(|&n| n != 0)
            .collect()
    }

    /// A page's font resources: resource name to Type 0 font object.
    pub fn page_fonts(&self, page: u32) -> BTreeMap<String, u32> {
        let dict = self.dict(page);
        let fonts = &dict[dict.find("/Font").unwrap()..];
        let fonts = &fonts[fonts.find("<<").unwrap() + 2..fonts.find(">>").unwrap()];
        let tokens: Vec<&str> = fonts.split_whitespace().collect();
        tokens
            .chunks(4)
            .map(|t| {
                (
                    t[0].trim_start_matches('/').to_owned(),
                    t[1].parse().unwrap(),
                )
            })
            .collect()
    }

    /// The glyph-to-text map of a Type 0 font, from its ToUnicode stream.
    pub fn to_unicode(&self, font: u32) -> BTreeMap<u16, String> {
        parse_cmap(&String::from_utf8(self.stream(self.reference(font, "/ToUnicode"))).unwrap())
    }

    /// The lines of text on a page, one per text object, decoded through the fonts' maps.
    pub fn page_text(&self, page: u32) -> Vec<String> {
        let maps: BTreeMap<String, BTreeMap<u16, String>> = self
            .page_fonts(page)
            .into_iter()
            .map(|(name, id)| (name, self.to_unicode(id)))
            .collect();
        let content = self.stream(self.reference(page, "/Contents"));
        decode_text(&content, &maps)
    }

    /// The widths of a Type 0 font's glyphs, by glyph id, from its CID font's /W array.
    pub fn widths(&self, font: u32) -> Vec<f32> {
        let cid = descendant(&self.dict(font));
        let dict = self.dict(cid);
        let w = &dict[dict.find("/W").unwrap() + 2..];
        let w = &w[w.find('[').unwrap() + 1..];
        // Written as "[0 [w0 w1 ...]]": one run from glyph 0.
        let first: u32 = w.split_whitespace().next().unwrap().parse().unwrap();
        assert_eq!(first, 0);
        let run = &w[w.find('[').unwrap() + 1..w.find(']').unwrap()];
        run.split_whitespace().map(|n| n.parse().unwrap()).collect()
    }

    /// The object holding the embedded font file of a Type 0 font.
    pub fn font_file_id(&self, font: u32) -> u32 {
        let cid = descendant(&self.dict(font));
        let descriptor = self.reference(cid, "/FontDescriptor");
        self.reference(descriptor, "/FontFile2")
    }

    /// The embedded font file of a Type 0 font, inflated.
    pub fn font_file(&self, font: u32) -> Vec<u8> {
        self.stream(self.font_file_id(font))
    }
}

fn descendant(type0: &str) -> u32 {
    let d = &type0[type0.find("/DescendantFonts").unwrap()..];
    d[d.find('[').unwrap() + 1..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn value_after<'a>(dict: &'a str, key: &str) -> Option<&'a str> {
    let at = dict.find(key)? + key.len();
    dict[at..].split_whitespace().next()
}

fn reference_in(dict: &str, key: &str) -> Option<u32> {
    let at = dict.find(&format!("{key} "))? + key.len();
    let mut tokens = dict[at..].split_whitespace();
    let id = tokens.next()?.parse().ok()?;
    (tokens.next()? == "0" && tokens.next()?.starts_with('R')).then_some(id)
}

/// The `bfchar` entries of a ToUnicode CMap: `<gid> <utf-16be>` pairs.
pub fn parse_cmap(cmap: &str) -> BTreeMap<u16, String> {
    assert!(
        !cmap.contains("beginbfrange"),
        "this reader handles bfchar only"
    );
    let mut map = BTreeMap::new();
    let mut inside = false;
    for line in cmap.lines() {
        if line.ends_with("beginbfchar") {
            inside = true;
        } else if line == "endbfchar" {
            inside = false;
        } else if inside {
            let parts: Vec<&str> = line
                .split(['<', '>', ' '])
                .filter(|p| !p.is_empty())
                .collect();
            let gid = u16::from_str_radix(parts[0], 16).unwrap();
            let units: Vec<u16> = (0..parts[1].len() / 4)
                .map(|i| u16::from_str_radix(&parts[1][4 * i..4 * i + 4], 16).unwrap())
                .collect();
            assert!(
                map.insert(gid, String::from_utf16(&units).unwrap())
                    .is_none(),
                "glyph {gid} mapped twice"
            );
        }
    }
    map
}

/// Tokens of a content stream that matter for text: names, numbers, strings, arrays'
/// brackets and operators.
#[derive(Debug, PartialEq)]
enum Token {
    Name(String),
    Number,
    Bytes(Vec<u8>),
    Open,
    Close,
    Operator(String),
}

fn tokens(content: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < content.len() {
        let b = content[i];
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => i += 1,
            b'[' => {
                out.push(Token::Open);
                i += 1;
            }
            b']' => {
                out.push(Token::Close);
                i += 1;
            }
            b'/' => {
                let end = content[i + 1..]
                    .iter()
                    .position(|c| b" \n\r[]/<(".contains(c))
                    .map_or(content.len(), |p| i + 1 + p);
                out.push(Token::Name(
                    String::from_utf8_lossy(&content[i + 1..end]).into_owned(),
                ));
                i = end;
            }
            b'<' => {
                let end = i + content[i..].iter().position(|&c| c == b'>').unwrap();
                let hex: Vec<u8> = content[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                assert!(hex.len().is_multiple_of(2));
                let bytes = hex
                    .chunks(2)
                    .map(|h| u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap())
                    .collect();
                out.push(Token::Bytes(bytes));
                i = end + 1;
            }
            b'(' => {
                let (bytes, end) = literal(content, i);
                out.push(Token::Bytes(bytes));
                i = end;
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => {
                let end = content[i..]
                    .iter()
                    .position(|c| !b"+-.0123456789".contains(c))
                    .map_or(content.len(), |p| i + p);
                out.push(Token::Number);
                i = end;
            }
            _ => {
                let end = content[i..]
                    .iter()
                    .position(|c| b" \n\r[]/<(".contains(c))
                    .map_or(content.len(), |p| i + p);
                out.push(Token::Operator(
                    String::from_utf8_lossy(&content[i..end]).into_owned(),
                ));
                i = end;
            }
        }
    }
    out
}

/// A literal string starting at `start` (an opening parenthesis): its bytes and the index
/// after its closing parenthesis.
fn literal(content: &[u8], start: usize) -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let mut depth = 1;
    let mut i = start + 1;
    loop {
        let b = content[i];
        i += 1;
        match b {
            b'\\' => {
                let e = content[i];
                i += 1;
                match e {
                    b'n' => bytes.push(b'\n'),
                    b'r' => bytes.push(b'\r'),
                    b't' => bytes.push(b'\t'),
                    b'b' => bytes.push(8),
                    b'f' => bytes.push(12),
                    b'0'..=b'7' => {
                        let mut value = u32::from(e - b'0');
                        for _ in 0..2 {
                            if matches!(content[i], b'0'..=b'7') {
                                value = value * 8 + u32::from(content[i] - b'0');
                                i += 1;
                            }
                        }
                        bytes.push(value as u8);
                    }
                    other => bytes.push(other),
                }
            }
            b'(' => {
                depth += 1;
                bytes.push(b);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (bytes, i);
                }
                bytes.push(b);
            }
            _ => bytes.push(b),
        }
    }
}

/// Each text object's glyphs, two bytes each, mapped through the current font's map.
fn decode_text(content: &[u8], maps: &BTreeMap<String, BTreeMap<u16, String>>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut font: Option<&BTreeMap<u16, String>> = None;
    let mut line = String::new();
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut last_name = String::new();
    for token in tokens(content) {
        match token {
            Token::Name(name) => last_name = name,
            Token::Bytes(bytes) => pending.push(bytes),
            Token::Operator(op) => {
                match op.as_str() {
                    "BT" => line.clear(),
                    "Tf" => {
                        font = Some(
                            maps.get(&last_name)
                                .unwrap_or_else(|| panic!("no font {last_name}")),
                        )
                    }
                    "TJ" | "Tj" => {
                        let map = font.expect("text shown before a font was set");
                        for bytes in pending.drain(..) {
                            assert!(bytes.len().is_multiple_of(2), "glyph ids are two bytes");
                            for pair in bytes.chunks(2) {
                                let gid = u16::from_be_bytes([pair[0], pair[1]]);
                                line.push_str(map.get(&gid).unwrap_or_else(|| {
                                    panic!("glyph {gid} has no ToUnicode entry")
                                }));
                            }
                        }
                    }
                    "ET" => lines.push(std::mem::take(&mut line)),
                    _ => {}
                }
                pending.clear();
            }
            Token::Number | Token::Open | Token::Close => {}
        }
    }
    lines
}

/// Advance widths of a TrueType font, in thousandths of an em, read from its own `hmtx`.
pub fn font_widths(font: &[u8]) -> Vec<f32> {
    let u16_at = |at: usize| u16::from_be_bytes([font[at], font[at + 1]]);
    let u32_at =
        |at: usize| u32::from_be_bytes([font[at], font[at + 1], font[at + 2], font[at + 3]]);
    let table = |tag: &[u8]| {
        (0..u16_at(4) as usize)
            .map(|i| 12 + 16 * i)
            .find(|&r| &font[r..r + 4] == tag)
            .map(|r| u32_at(r + 8) as usize)
            .unwrap_or_else(|| panic!("no {} table", String::from_utf8_lossy(tag)))
    };
    let units_per_em = f32::from(u16_at(table(b"head") + 18));
    let metrics = u16_at(table(b"hhea") + 34) as usize;
    let glyphs = u16_at(table(b"maxp") + 4) as usize;
    let hmtx = table(b"hmtx");
    (0..glyphs)
        .map(|g| f32::from(u16_at(hmtx + 4 * g.min(metrics - 1))) * 1000.0 / units_per_em)
        .collect()
}
