//! The parser's sub-parsers: `(?flags)` groups, backslash escapes, `\p`
//! classes and bracketed character classes.

use super::node::{DOT_NL, FOLD_CASE, NON_GREEDY, ONE_LINE, Op};
use super::parser::{
    Parser, at, check_utf8, find, is_alnum, is_valid_capture_name, next_rune, unhex,
};
use super::re2::UnicodeClass;
use super::{ErrorKind, GoError, names};

impl Parser<'_> {
    /// Go's `parsePerlFlags`, at a `(?`: returns the index after it.
    pub(super) fn perl_flags(&mut self, i: usize) -> Result<usize, GoError> {
        let s = self.s;
        let rest = s.len() - i;
        let starts_with_p = rest > 4 && at(s, i + 2) == b'P' && at(s, i + 3) == b'<';
        let starts_with_name = rest > 3 && at(s, i + 2) == b'<';
        if starts_with_p || starts_with_name {
            let name_start = i + if starts_with_p { 4 } else { 3 };
            let Some(end) = find(s, i, b">") else {
                check_utf8(s, i, s.len())?;
                return Err(Parser::error(ErrorKind::InvalidNamedCapture, i, s.len()));
            };
            let name = s.get(name_start..end).unwrap_or_default();
            check_utf8(s, name_start, end.max(name_start))?;
            if !is_valid_capture_name(name) {
                return Err(Parser::error(ErrorKind::InvalidNamedCapture, i, end + 1));
            }
            self.left_paren(true, i)?;
            return Ok(end + 1);
        }
        let mut t = i + 2;
        let mut flags = self.flags;
        let mut negated = false;
        let mut saw_flag = false;
        while t < s.len() {
            let (c, width) = next_rune(s, t)?;
            t += width;
            match char::from_u32(c) {
                Some('i') => {
                    flags |= FOLD_CASE;
                    saw_flag = true;
                }
                Some('m') => {
                    flags &= !ONE_LINE;
                    saw_flag = true;
                }
                Some('s') => {
                    flags |= DOT_NL;
                    saw_flag = true;
                }
                Some('U') => {
                    flags |= NON_GREEDY;
                    saw_flag = true;
                }
                Some('-') => {
                    if negated {
                        break;
                    }
                    negated = true;
                    flags = !flags;
                    saw_flag = false;
                }
                Some(c @ (':' | ')')) => {
                    if negated {
                        if !saw_flag {
                            break;
                        }
                        flags = !flags;
                    }
                    if c == ':' {
                        self.left_paren(false, i)?;
                    }
                    self.flags = flags;
                    return Ok(t);
                }
                _ => break,
            }
        }
        Err(Parser::error(ErrorKind::InvalidPerlOp, i, t))
    }

    /// A backslash outside a class: assertions, `\Q...\E`, classes, escapes.
    pub(super) fn backslash(&mut self, i: usize) -> Result<usize, GoError> {
        let s = self.s;
        match at(s, i + 1) {
            b'A' | b'b' | b'B' | b'z' => {
                self.op(Op::Simple)?;
                return Ok(i + 2);
            }
            b'C' => return Err(Parser::error(ErrorKind::InvalidEscape, i, i + 2)),
            b'Q' => {
                let (end, next) = match find(s, i + 2, b"\\E") {
                    Some(end) => (end, end + 2),
                    None => (s.len(), s.len()),
                };
                let mut j = i + 2;
                while j < end {
                    let (_, width) = next_rune(s, j)?;
                    self.literal()?;
                    j += width.max(1);
                }
                return Ok(next);
            }
            _ => {}
        }
        if let Some(next) = self.unicode_class(i)? {
            self.class()?;
            return Ok(next);
        }
        if is_perl_class(s, i) {
            self.class()?;
            return Ok(i + 2);
        }
        let (_, next) = self.escape(i)?;
        self.literal()?;
        Ok(next)
    }

    /// Go's `parseEscape` at a backslash: the rune and the index after it.
    pub(super) fn escape(&self, i: usize) -> Result<(u32, usize), GoError> {
        let s = self.s;
        let mut t = i + 1;
        if t >= s.len() {
            return Err(Parser::error(ErrorKind::TrailingBackslash, i, i + 1));
        }
        let (c, width) = next_rune(s, t)?;
        t += width;
        let invalid = |end: usize| Err(Parser::error(ErrorKind::InvalidEscape, i, end));
        let is_octal = |byte: u8| (b'0'..=b'7').contains(&byte);
        match char::from_u32(c).unwrap_or('\u{FFFD}') {
            '1'..='7' if !is_octal(at(s, t)) => invalid(t),
            digit @ '0'..='7' => {
                let mut r = u32::from(digit) - u32::from('0');
                for _ in 1..3 {
                    if t >= s.len() || !is_octal(at(s, t)) {
                        break;
                    }
                    r = r * 8 + u32::from(at(s, t) - b'0');
                    t += 1;
                }
                Ok((r, t))
            }
            'x' => {
                if t >= s.len() {
                    return invalid(t);
                }
                let (c, width) = next_rune(s, t)?;
                t += width;
                if c == u32::from('{') {
                    let mut digits = 0;
                    let mut r: i64 = 0;
                    loop {
                        if t >= s.len() {
                            return invalid(t);
                        }
                        let (c, width) = next_rune(s, t)?;
                        t += width;
                        if c == u32::from('}') {
                            break;
                        }
                        let v = unhex(c);
                        if v < 0 {
                            return invalid(t);
                        }
                        r = r * 16 + v;
                        if r > 0x10FFFF {
                            return invalid(t);
                        }
                        digits += 1;
                    }
                    if digits == 0 {
                        return invalid(t);
                    }
                    return Ok((u32::try_from(r).unwrap_or(0), t));
                }
                let x = unhex(c);
                let (c, width) = next_rune(s, t)?;
                t += width;
                let y = unhex(c);
                if x < 0 || y < 0 {
                    return invalid(t);
                }
                Ok((u32::try_from(x * 16 + y).unwrap_or(0), t))
            }
            'a' => Ok((0x07, t)),
            'f' => Ok((0x0C, t)),
            'n' => Ok((0x0A, t)),
            'r' => Ok((0x0D, t)),
            't' => Ok((0x09, t)),
            'v' => Ok((0x0B, t)),
            _ if c < 0x80 && !is_alnum(c) => Ok((c, t)),
            _ => invalid(t),
        }
    }

    /// Go's `parseUnicodeClass` at `i`: `None` when there is no `\p`/`\P`,
    /// else the index after the class, or the error.
    pub(super) fn unicode_class(&mut self, i: usize) -> Result<Option<usize>, GoError> {
        let s = self.s;
        if s.len() - i < 2 || at(s, i) != b'\\' || !matches!(at(s, i + 1), b'p' | b'P') {
            return Ok(None);
        }
        let (c, width) = next_rune(s, i + 2)?;
        let (end, mut name) = if c != u32::from('{') {
            (i + 2 + width, (i + 2, i + 2 + width))
        } else {
            let Some(close) = find(s, i, b"}") else {
                check_utf8(s, i, s.len())?;
                return Err(Parser::error(ErrorKind::InvalidCharRange, i, s.len()));
            };
            check_utf8(s, i + 3, close)?;
            (close + 1, (i + 3, close))
        };
        if at(s, name.0) == b'^' && name.0 < name.1 {
            name.0 += 1;
        }
        let text = s.get(name.0..name.1).unwrap_or_default();
        let Some(resolved) = names::resolve(text) else {
            return Err(Parser::error(ErrorKind::InvalidCharRange, i, end));
        };
        self.classes.push(UnicodeClass {
            start: i,
            end,
            name,
            resolved,
        });
        Ok(Some(end))
    }

    /// Go's `parseNamedClass` at a `[:` inside a class.
    pub(super) fn named_class(&self, i: usize) -> Result<Option<usize>, GoError> {
        let s = self.s;
        let Some(close) = find(s, i + 2, b":]") else {
            return Ok(None);
        };
        let end = close + 2;
        let name = s.get(i + 2..close).unwrap_or_default();
        let name = name.strip_prefix(b"^").unwrap_or(name);
        if names::POSIX.iter().any(|posix| posix.as_bytes() == name) {
            Ok(Some(end))
        } else {
            Err(Parser::error(ErrorKind::InvalidCharRange, i, end))
        }
    }

    /// Go's `parseClass` at `[`: returns the index after `]`.
    pub(super) fn parse_class(&mut self, start: usize) -> Result<usize, GoError> {
        let s = self.s;
        let mut t = start + 1;
        if at(s, t) == b'^' && t < s.len() {
            t += 1;
        }
        let mut first = true;
        while t >= s.len() || at(s, t) != b']' || first {
            first = false;
            if s.len() - t.min(s.len()) > 2 && at(s, t) == b'[' && at(s, t + 1) == b':' {
                if let Some(next) = self.named_class(t)? {
                    t = next;
                    continue;
                }
            }
            if let Some(next) = self.unicode_class(t)? {
                t = next;
                continue;
            }
            if is_perl_class(s, t) {
                t += 2;
                continue;
            }
            let range_start = t;
            let (lo, next) = self.class_char(t, start)?;
            t = next;
            if s.len() - t >= 2 && at(s, t) == b'-' && at(s, t + 1) != b']' {
                let (hi, next) = self.class_char(t + 1, start)?;
                t = next;
                if hi < lo {
                    return Err(Parser::error(ErrorKind::InvalidCharRange, range_start, t));
                }
            }
        }
        self.class()?;
        Ok(t + 1)
    }

    /// Go's `parseClassChar`.
    pub(super) fn class_char(&self, t: usize, class_start: usize) -> Result<(u32, usize), GoError> {
        let s = self.s;
        if t >= s.len() {
            return Err(Parser::error(
                ErrorKind::MissingBracket,
                class_start,
                s.len(),
            ));
        }
        if at(s, t) == b'\\' {
            return self.escape(t);
        }
        let (c, width) = next_rune(s, t)?;
        Ok((c, t + width))
    }
}

/// `\d`, `\D`, `\s`, `\S`, `\w` or `\W` at `i`.
pub(super) fn is_perl_class(s: &[u8], i: usize) -> bool {
    at(s, i) == b'\\' && matches!(at(s, i + 1), b'd' | b'D' | b's' | b'S' | b'w' | b'W')
}
