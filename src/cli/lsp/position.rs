//! LSP positions and byte offsets.
//!
//! `ide` works on byte offsets into a file's text; LSP positions are a line
//! and a character, counted in the encoding the client and server agreed on
//! at `initialize`: UTF-16 code units (the default every client supports),
//! UTF-8 bytes or UTF-32 code points (characters), when the client offers
//! them in `general.positionEncodings`.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification says.
//!
//! **Invariant:** conversions never panic and always land on a character
//! boundary of the text: a line past the end is the end of the text, a
//! character past the end of its line is the end of the line (before the line
//! break), a character inside a multi-unit character (the second half of a
//! UTF-16 surrogate pair) is that character's start, and an offset past the
//! end or inside a character is moved back to the end or the character start.

use lsp_types::{Position, PositionEncodingKind, Range};

/// How characters of a line are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16 code units: LSP's default.
    Utf16,
    /// Unicode code points.
    Utf32,
}

impl Encoding {
    /// The best encoding among those the client offers, in its order of
    /// preference: UTF-8 when offered (no conversion), else UTF-32, else
    /// UTF-16, which every client must support.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    /// The kind announced in the server capabilities.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// How many units a character counts for.
    fn width(self, ch: char) -> usize {
        match self {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// The line starts of one text, for converting positions both ways.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// The byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str, encoding: Encoding) -> LineIndex<'a> {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&byte) = bytes.get(at) {
            at += 1;
            match byte {
                b'\n' => starts.push(at),
                b'\r' => {
                    if bytes.get(at) == Some(&b'\n') {
                        at += 1;
                    }
                    starts.push(at);
                }
                _ => {}
            }
        }
        LineIndex {
            text,
            starts,
            encoding,
        }
    }

    /// The text of line `line` without its line break, with its start offset.
    fn line(&self, line: usize) -> Option<(usize, &'a str)> {
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let content = self.text.get(start..end).unwrap_or("");
        let content = content
            .strip_suffix("\r\n")
            .or_else(|| content.strip_suffix('\n'))
            .or_else(|| content.strip_suffix('\r'))
            .unwrap_or(content);
        Some((start, content))
    }

    /// The byte offset of an LSP position, clamped into the text.
    pub fn offset(&self, position: Position) -> usize {
        let Some((start, content)) = self.line(position.line as usize) else {
            return self.text.len();
        };
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, ch) in content.char_indices() {
            let width = self.encoding.width(ch);
            if units + width > wanted {
                // Inside (or at the start of) this character.
                return start + at;
            }
            units += width;
        }
        start + content.len()
    }

    /// The LSP position of a byte offset, clamped into the text and moved
    /// back to a character boundary.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The last line starting at or before the offset.
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let (start, content) = self.line(line).unwrap_or((0, ""));
        // An offset inside a `\r\n` break is the end of the line's content.
        let upto = offset.saturating_sub(start).min(content.len());
        let character: usize = content
            .get(..upto)
            .unwrap_or("")
            .chars()
            .map(|ch| self.encoding.width(ch))
            .sum();
        Position {
            line: saturate(line),
            character: saturate(character),
        }
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: std::ops::Range<usize>) -> Range {
        Range {
            start: self.position(range.start),
            end: self.position(range.end),
        }
    }

    /// The byte range of an LSP range, with the ends in order.
    pub fn byte_range(&self, range: Range) -> std::ops::Range<usize> {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        start.min(end)..start.max(end)
    }

    /// The range of the whole text.
    pub fn whole(&self) -> Range {
        self.range(0..self.text.len())
    }
}

/// A count as the `u32` LSP uses, saturating.
fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn ascii_round_trip() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.offset(pos(0, 0)), 0);
        assert_eq!(index.offset(pos(0, 2)), 2);
        assert_eq!(index.offset(pos(1, 1)), 4);
        assert_eq!(index.offset(pos(2, 0)), 6);
        assert_eq!(index.position(4), pos(1, 1));
        assert_eq!(index.position(6), pos(2, 0));
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two() {
        // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
        let text = "é😀x";
        let utf16 = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(utf16.offset(pos(0, 1)), 2);
        assert_eq!(utf16.offset(pos(0, 3)), 6);
        assert_eq!(utf16.position(6), pos(0, 3));
        assert_eq!(utf16.position(7), pos(0, 4));
        // Between the two halves of the surrogate pair: the emoji's start.
        assert_eq!(utf16.offset(pos(0, 2)), 2);
    }

    #[test]
    fn utf8_and_utf32_count_bytes_and_characters() {
        let text = "é😀x";
        let utf8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(utf8.offset(pos(0, 6)), 6);
        assert_eq!(utf8.position(6), pos(0, 6));
        // Inside the emoji's bytes: its start.
        assert_eq!(utf8.offset(pos(0, 4)), 2);
        let utf32 = LineIndex::new(text, Encoding::Utf32);
        assert_eq!(utf32.offset(pos(0, 2)), 6);
        assert_eq!(utf32.position(6), pos(0, 2));
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text, Encoding::Utf16);
        // Past the end of a line: before its line break.
        assert_eq!(index.offset(pos(0, 99)), 2);
        // Past the last line: the end of the text.
        assert_eq!(index.offset(pos(9, 0)), 6);
        assert_eq!(index.offset(pos(u32::MAX, u32::MAX)), 6);
        // Offsets past the end, or inside `\r\n`.
        assert_eq!(index.position(99), pos(1, 2));
        assert_eq!(index.position(3), pos(0, 2));
    }

    #[test]
    fn offsets_inside_a_character_move_back() {
        let text = "a😀";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.position(3), pos(0, 1));
    }

    #[test]
    fn every_line_break_counts() {
        let text = "a\rb\r\nc\nd";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.offset(pos(1, 0)), 2);
        assert_eq!(index.offset(pos(2, 0)), 5);
        assert_eq!(index.offset(pos(3, 0)), 7);
        assert_eq!(index.position(7), pos(3, 0));
        assert_eq!(index.whole(), Range::new(pos(0, 0), pos(3, 1)));
    }

    #[test]
    fn empty_text() {
        let index = LineIndex::new("", Encoding::Utf16);
        assert_eq!(index.offset(pos(3, 3)), 0);
        assert_eq!(index.position(5), pos(0, 0));
    }

    #[test]
    fn negotiation_prefers_utf8() {
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offered = [PositionEncodingKind::UTF16];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf16);
    }
}
