//! Breaking a paragraph into lines that fit a width, measured with the same glyphs the page
//! will draw.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::font::{Font, Fonts, Measure, Weight};
use crate::units::{self, Mm, Pt};

impl Fonts {
    /// Breaks `text` into lines no wider than `max_width` at `size` in `weight`.
    ///
    /// Lines break at spaces (runs of spaces become one; no-break spaces never break), and
    /// every `\n` starts a new line, an empty one for an empty paragraph. A word wider than a
    /// whole line is broken between characters, never between a letter and its accents, so a
    /// line can exceed `max_width` only when a single character does. The lines come back in
    /// Unicode normalisation form C, as they will be drawn.
    pub fn wrap(&self, text: &str, size: Pt, weight: Weight, max_width: Mm) -> Vec<String> {
        let font = self.font(weight);
        let size = units::type_size(size);
        let max = max_width.to_pt();
        let mut wrapper = Wrapper {
            font,
            size,
            max,
            lines: Vec::new(),
            line: String::new(),
            measure: Measure::default(),
        };
        let space = font.measure(" ");
        let text: String = text.nfc().collect();
        for paragraph in text.split('\n') {
            let paragraph = paragraph.strip_suffix('\r').unwrap_or(paragraph);
            for word in paragraph.split(breaks_line).filter(|word| !word.is_empty()) {
                let measure = font.measure(word);
                if wrapper.line.is_empty() {
                    wrapper.start_with(word, measure);
                    continue;
                }
                let joined = font.join(font.join(wrapper.measure, space), measure);
                if wrapper.fits(joined) {
                    wrapper.line.push(' ');
                    wrapper.line.push_str(word);
                    wrapper.measure = joined;
                } else {
                    wrapper.end_line();
                    wrapper.start_with(word, measure);
                }
            }
            wrapper.end_line();
        }
        wrapper.lines
    }
}

/// The lines so far and the one being filled.
struct Wrapper<'a> {
    font: &'a Font,
    size: Pt,
    max: Pt,
    lines: Vec<String>,
    line: String,
    measure: Measure,
}

impl Wrapper<'_> {
    fn fits(&self, measure: Measure) -> bool {
        self.font.to_pt(measure.units, self.size) <= self.max
    }

    fn end_line(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
        self.measure = Measure::default();
    }

    /// Puts `word` at the start of the (empty) current line, breaking it over as many lines
    /// as it needs when it is wider than one.
    fn start_with(&mut self, word: &str, measure: Measure) {
        if self.fits(measure) {
            self.line.push_str(word);
            self.measure = measure;
            return;
        }
        for cluster in clusters(word) {
            let cluster_measure = self.font.measure(cluster);
            let joined = self.font.join(self.measure, cluster_measure);
            // A cluster always goes on an empty line, or a line could never be filled.
            if !self.line.is_empty() && !self.fits(joined) {
                self.end_line();
                self.line.push_str(cluster);
                self.measure = cluster_measure;
            } else {
                self.line.push_str(cluster);
                self.measure = joined;
            }
        }
    }
}

/// Where a line may break: spaces, but not the no-break ones, which exist to keep what they
/// join on one line.
fn breaks_line(ch: char) -> bool {
    ch.is_whitespace() && !matches!(ch, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// A word cut into characters, each with the combining marks that follow it, so that a break
/// inside a word never leaves an accent at the start of a line.
fn clusters(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        chars.next()?;
        let end = chars
            .find(|&(_, ch)| !is_combining_mark(ch))
            .map_or(rest.len(), |(at, _)| at);
        let (cluster, tail) = rest.split_at(end);
        rest = tail;
        Some(cluster)
    })
}
