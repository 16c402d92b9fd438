//! The parser: Go's parse stack and its main loop (literals, repetition,
//! concatenation, alternation, parentheses), with the byte-level helpers.

use super::node::{
    FOLD_CASE, MAX_HEIGHT, MAX_REPEAT, MAX_RUNES, MAX_SIZE, NON_GREEDY, Node, Op, PERL,
};
use super::re2::UnicodeClass;
use super::{ErrorKind, GoError};

/// The result of a successful parse: the `\p` classes, for the RE2 check.
pub(super) type Classes = Vec<UnicodeClass>;

pub(super) struct Parser<'a> {
    pub(super) s: &'a [u8],
    pub(super) flags: u16,
    pub(super) stack: Vec<Node>,
    /// Go's `numRegexp`: nodes allocated, with freed nodes reused first.
    pub(super) allocated: i64,
    pub(super) free: i64,
    pub(super) num_runes: i64,
    /// Product of every repeat count seen, capped (Go's `repeats`).
    pub(super) repeats: i64,
    /// Whether Go has started measuring sizes (`p.size != nil`).
    pub(super) measuring: bool,
    pub(super) classes: Classes,
}

/// The byte at `i`, or 0 past the end (0 is never a syntax byte).
pub(super) fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// Go's `nextRune`: the rune at `i` and its length; past the end, U+FFFD and
/// length 0 (as Go's `DecodeRuneInString("")`); invalid UTF-8 is an error.
pub(super) fn next_rune(s: &[u8], i: usize) -> Result<(u32, usize), GoError> {
    let Some(&first) = s.get(i) else {
        return Ok((0xFFFD, 0));
    };
    let width = match first {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    };
    let decoded = s
        .get(i..i + width)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|text| text.chars().next());
    match decoded {
        Some(c) if width > 0 => Ok((u32::from(c), width)),
        _ => Err(GoError {
            kind: ErrorKind::InvalidUtf8,
            start: i,
            end: i + 1,
        }),
    }
}

pub(super) fn check_utf8(s: &[u8], start: usize, end: usize) -> Result<(), GoError> {
    let mut i = start;
    while i < end {
        let (_, width) = next_rune(s, i)?;
        i += width.max(1);
    }
    Ok(())
}

pub(super) fn find(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from + offset)
}

pub(super) fn unhex(c: u32) -> i64 {
    match char::from_u32(c).and_then(|c| c.to_digit(16)) {
        Some(digit) => i64::from(digit),
        None => -1,
    }
}

pub(super) fn is_alnum(c: u32) -> bool {
    char::from_u32(c).is_some_and(|c| c.is_ascii_alphanumeric())
}

impl<'a> Parser<'a> {
    pub(super) fn new(s: &'a [u8]) -> Parser<'a> {
        Parser {
            s,
            flags: PERL,
            stack: Vec::new(),
            allocated: 0,
            free: 0,
            num_runes: 0,
            repeats: 0,
            measuring: false,
            classes: Vec::new(),
        }
    }

    pub(super) fn error(kind: ErrorKind, start: usize, end: usize) -> GoError {
        GoError { kind, start, end }
    }

    pub(super) fn whole(&self, kind: ErrorKind) -> GoError {
        Parser::error(kind, 0, self.s.len())
    }

    /// Go's `newRegexp`: reuse a freed node, or allocate one.
    pub(super) fn allocate(&mut self) {
        if self.free > 0 {
            self.free -= 1;
        } else {
            self.allocated += 1;
        }
    }

    pub(super) fn reuse(&mut self) {
        self.free += 1;
    }

    pub(super) fn check_limits(&mut self, node: &Node) -> Result<(), GoError> {
        if self.num_runes > MAX_RUNES {
            return Err(self.whole(ErrorKind::Large));
        }
        if !self.measuring {
            if self.repeats == 0 {
                self.repeats = 1;
            }
            if node.op == Op::Repeat {
                let count = i64::from(node.count);
                if count > MAX_SIZE / self.repeats {
                    self.repeats = MAX_SIZE;
                } else {
                    self.repeats *= count;
                }
            }
            if self.allocated < MAX_SIZE / self.repeats {
                return self.check_height(node);
            }
            self.measuring = true;
            if self.stack.iter().any(|below| below.size > MAX_SIZE) {
                return Err(self.whole(ErrorKind::Large));
            }
        }
        if node.size > MAX_SIZE {
            return Err(self.whole(ErrorKind::Large));
        }
        self.check_height(node)
    }

    pub(super) fn check_height(&self, node: &Node) -> Result<(), GoError> {
        if node.height > MAX_HEIGHT {
            return Err(self.whole(ErrorKind::NestingDepth));
        }
        Ok(())
    }

    /// Go's `push`, with its incremental literal concatenation.
    pub(super) fn push(&mut self, node: Node) -> Result<(), GoError> {
        self.num_runes = self.num_runes.saturating_add(node.runes);
        self.maybe_concat();
        self.stack.push(node);
        self.check_limits(&node)
    }

    /// Go's `maybeConcat`: merges the two literals on top of the stack.
    pub(super) fn maybe_concat(&mut self) {
        let n = self.stack.len();
        if n < 2 {
            return;
        }
        let Some(&top) = self.stack.get(n - 1) else {
            return;
        };
        let Some(below) = self.stack.get_mut(n - 2) else {
            return;
        };
        if top.op != Op::Literal
            || below.op != Op::Literal
            || top.flags & FOLD_CASE != below.flags & FOLD_CASE
        {
            return;
        }
        below.runes = below.runes.saturating_add(top.runes);
        below.size = below.runes.max(1);
        self.stack.pop();
        self.reuse();
    }

    pub(super) fn literal(&mut self) -> Result<(), GoError> {
        self.allocate();
        self.push(Node::leaf(Op::Literal, self.flags, 1))
    }

    pub(super) fn op(&mut self, op: Op) -> Result<(), GoError> {
        self.allocate();
        self.push(Node::leaf(op, self.flags, 0))
    }

    pub(super) fn class(&mut self) -> Result<(), GoError> {
        self.allocate();
        self.push(Node::leaf(Op::Class, self.flags, 2))
    }

    pub(super) fn left_paren(&mut self, capture: bool, position: usize) -> Result<(), GoError> {
        self.allocate();
        let mut node = Node::leaf(Op::LeftParen, self.flags, 0);
        node.capture = capture;
        node.position = u32::try_from(position).unwrap_or(u32::MAX);
        self.push(node)
    }

    /// Go's `repeat`: `before` is where the operator starts, `after` where
    /// it ends; returns the new `after` (past a non-greedy `?`).
    pub(super) fn repeat(
        &mut self,
        op: Op,
        min: i64,
        max: i64,
        before: usize,
        mut after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize, GoError> {
        let mut flags = self.flags;
        if at(self.s, after) == b'?' {
            after += 1;
            flags ^= NON_GREEDY;
        }
        if let Some(last) = last_repeat {
            return Err(Parser::error(ErrorKind::InvalidRepeatOp, last, after));
        }
        let Some(&sub) = self.stack.last() else {
            return Err(Parser::error(
                ErrorKind::MissingRepeatArgument,
                before,
                after,
            ));
        };
        if sub.op.is_pseudo() {
            return Err(Parser::error(
                ErrorKind::MissingRepeatArgument,
                before,
                after,
            ));
        }
        self.allocate();
        let mut node = Node::unary(op, flags, &sub, min, max);
        node.count = u32::try_from(if max == -1 { min } else { max }.max(1)).unwrap_or(1);
        self.stack.pop();
        self.stack.push(node);
        self.check_limits(&node)?;
        if op == Op::Repeat && (min >= 2 || max >= 2) && i64::from(node.product) > MAX_REPEAT {
            return Err(Parser::error(ErrorKind::InvalidRepeatSize, before, after));
        }
        Ok(after)
    }

    /// Go's `collapse` of `subs` under `op`, flattening nested `op` nodes.
    pub(super) fn collapse(&mut self, subs: &[Node], op: Op) -> Option<Node> {
        if let [only] = subs {
            return Some(*only);
        }
        let first = subs.first()?;
        self.allocate();
        let mut count: i64 = 0;
        let mut sum: i64 = 0;
        let mut height: u32 = 0;
        let mut product: u32 = 1;
        for sub in subs {
            if sub.op == op {
                count = count.saturating_add(i64::from(sub.subs));
                sum = sum.saturating_add(sub.sub_size);
                height = height.max(sub.height.saturating_sub(1));
                self.reuse();
            } else {
                count = count.saturating_add(1);
                sum = sum.saturating_add(sub.size);
                height = height.max(sub.height);
            }
            product = product.max(sub.product);
        }
        let size = if op == Op::Alternate && count > 1 {
            sum.saturating_add(count - 1)
        } else {
            sum
        };
        Some(Node {
            op,
            flags: first.flags,
            runes: 0,
            height: height.saturating_add(1),
            size: size.max(1),
            product,
            subs: u32::try_from(count).unwrap_or(u32::MAX),
            sub_size: sum,
            count: 1,
            capture: false,
            position: 0,
        })
    }

    /// The index where the operands above the topmost `|` or `(` start.
    pub(super) fn operands_start(&self) -> usize {
        self.stack
            .iter()
            .rposition(|node| node.op.is_pseudo())
            .map_or(0, |i| i + 1)
    }

    pub(super) fn concat(&mut self) -> Result<(), GoError> {
        self.maybe_concat();
        let subs = self.stack.split_off(self.operands_start());
        if subs.is_empty() {
            return self.op(Op::EmptyMatch);
        }
        match self.collapse(&subs, Op::Concat) {
            Some(node) => self.push(node),
            None => Ok(()),
        }
    }

    pub(super) fn alternate(&mut self) -> Result<(), GoError> {
        let subs = self.stack.split_off(self.operands_start());
        if subs.is_empty() {
            return self.op(Op::NoMatch);
        }
        match self.collapse(&subs, Op::Alternate) {
            Some(node) => self.push(node),
            None => Ok(()),
        }
    }

    pub(super) fn is_char_class(node: &Node) -> bool {
        (node.op == Op::Literal && node.runes == 1) || node.op == Op::Class
    }

    /// Go's `swapVerticalBar`.
    pub(super) fn swap_vertical_bar(&mut self) -> bool {
        let n = self.stack.len();
        let top = self.stack.last().copied();
        let second = n.checked_sub(2).and_then(|i| self.stack.get(i)).copied();
        let third = n.checked_sub(3).and_then(|i| self.stack.get(i)).copied();
        if let (Some(top), Some(second), Some(third)) = (top, second, third)
            && second.op == Op::VerticalBar
            && Parser::is_char_class(&top)
            && Parser::is_char_class(&third)
        {
            if let Some(merged) = n.checked_sub(3).and_then(|i| self.stack.get_mut(i)) {
                merged.op = Op::Class;
                merged.runes = merged.runes.max(top.runes);
                merged.size = 1;
            }
            self.stack.pop();
            self.reuse();
            return true;
        }
        if let (Some(_), Some(second)) = (top, second)
            && second.op == Op::VerticalBar
        {
            self.stack.swap(n - 1, n - 2);
            return true;
        }
        false
    }

    pub(super) fn vertical_bar(&mut self, position: usize) -> Result<(), GoError> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.allocate();
            let mut node = Node::leaf(Op::VerticalBar, self.flags, 0);
            node.position = u32::try_from(position).unwrap_or(u32::MAX);
            self.push(node)?;
        }
        Ok(())
    }

    pub(super) fn right_paren(&mut self, position: usize) -> Result<(), GoError> {
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        let unexpected = Parser::error(ErrorKind::UnexpectedParen, position, position + 1);
        let (Some(inner), Some(paren)) = (self.stack.pop(), self.stack.pop()) else {
            return Err(unexpected);
        };
        if paren.op != Op::LeftParen {
            return Err(unexpected);
        }
        self.flags = paren.flags;
        if paren.capture {
            let node = Node::unary(Op::Capture, paren.flags, &inner, 0, 0);
            self.push(node)
        } else {
            self.push(inner)
        }
    }

    pub(super) fn parse(mut self) -> Result<Classes, GoError> {
        let s = self.s;
        let mut i = 0;
        let mut last_repeat: Option<usize> = None;
        while i < s.len() {
            let mut repeat: Option<usize> = None;
            match at(s, i) {
                b'(' => {
                    if at(s, i + 1) == b'?' {
                        i = self.perl_flags(i)?;
                    } else {
                        self.left_paren(true, i)?;
                        i += 1;
                    }
                }
                b'|' => {
                    self.vertical_bar(i)?;
                    i += 1;
                }
                b')' => {
                    self.right_paren(i)?;
                    i += 1;
                }
                b'^' | b'$' | b'.' => {
                    if at(s, i) == b'.' {
                        self.op(Op::Class)?;
                    } else {
                        self.op(Op::Simple)?;
                    }
                    i += 1;
                }
                b'[' => i = self.parse_class(i)?,
                b'*' | b'+' | b'?' => {
                    let op = match at(s, i) {
                        b'*' => Op::Star,
                        b'+' => Op::Plus,
                        _ => Op::Quest,
                    };
                    let before = i;
                    i = self.repeat(op, 0, 0, before, before + 1, last_repeat)?;
                    repeat = Some(before);
                }
                b'{' => match parse_repeat(s, i) {
                    None => {
                        self.literal()?;
                        i += 1;
                    }
                    Some((min, max, after)) => {
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return Err(Parser::error(ErrorKind::InvalidRepeatSize, i, after));
                        }
                        let before = i;
                        i = self.repeat(Op::Repeat, min, max, before, after, last_repeat)?;
                        repeat = Some(before);
                    }
                },
                b'\\' => i = self.backslash(i)?,
                _ => {
                    let (_, width) = next_rune(s, i)?;
                    self.literal()?;
                    i += width.max(1);
                }
            }
            last_repeat = repeat;
        }
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() != 1 {
            let open = self
                .stack
                .iter()
                .rev()
                .find(|node| node.op == Op::LeftParen)
                .map_or(0, |node| usize::try_from(node.position).unwrap_or(0));
            return Err(Parser::error(ErrorKind::MissingParen, open, open + 1));
        }
        Ok(self.classes)
    }
}

/// Go's `parseRepeat`: `{min}`, `{min,}` or `{min,max}` at `i`, with the
/// index past `}`; `None` when it is not that form (then `{` is a literal).
/// A number too large gives `min == -1`.
pub(super) fn parse_repeat(s: &[u8], i: usize) -> Option<(i64, i64, usize)> {
    if at(s, i) != b'{' {
        return None;
    }
    let (mut min, mut j) = parse_int(s, i + 1)?;
    if j >= s.len() {
        return None;
    }
    let max;
    if at(s, j) != b',' {
        max = min;
    } else {
        j += 1;
        if j >= s.len() {
            return None;
        }
        if at(s, j) == b'}' {
            max = -1;
        } else {
            let (value, next) = parse_int(s, j)?;
            j = next;
            max = value;
            if max < 0 {
                min = -1;
            }
        }
    }
    if at(s, j) != b'}' {
        return None;
    }
    Some((min, max, j + 1))
}

/// Go's `parseInt`: decimal digits without a leading zero; -1 when the
/// value reaches 10^8.
pub(super) fn parse_int(s: &[u8], i: usize) -> Option<(i64, usize)> {
    if !at(s, i).is_ascii_digit() {
        return None;
    }
    if at(s, i) == b'0' && at(s, i + 1).is_ascii_digit() {
        return None;
    }
    let mut j = i;
    while at(s, j).is_ascii_digit() {
        j += 1;
    }
    let mut n: i64 = 0;
    for &digit in s.get(i..j)? {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(digit - b'0');
    }
    Some((n, j))
}

pub(super) fn is_valid_capture_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&byte| byte == b'_' || byte.is_ascii_alphanumeric())
}
