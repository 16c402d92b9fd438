//! A checker of Go's regular expression syntax: what `regexp.Compile` (Go
//! 1.25, `regexp/syntax` with the `syntax.Perl` flags) accepts, and which of
//! those patterns C++ RE2 (Envoy's engine) refuses.
//!
//! The Cilium agent compiles the `path` and `method` of an HTTP rule with
//! Go's `regexp` and drops the whole policy when one fails; Envoy then
//! compiles `path`, `method` and `host` with RE2. [`check`] follows Go's
//! parser step by step (the same parse stack, the same order of checks, so
//! the same error kind) without building the tree: each node on the stack
//! carries only what Go's limits need (its height, its compiled size and the
//! product of its nested repeat counts).
//!
//! What is modelled rather than exact, all of it about size limits that no
//! hand-written pattern reaches:
//! - Go factors common prefixes out of alternations before it measures a
//!   node; the size here is of the unfactored alternation, an upper bound,
//!   so a pattern over Go's 3.3-million-instruction limit only through
//!   alternatives Go would factor is refused here but accepted by Go;
//! - Go's cap of 32M runes held in character classes counts each class as
//!   its number of ranges; here a class counts as one range (Unicode tables
//!   are not embedded), so only literals can hit that cap;
//! - single-rune classes like `[a]` stay classes here (Go turns them into
//!   literals), which changes a node's height by at most one.
//!
//! The checker does no IO, never panics, and runs in time linear in the
//! pattern, with memory bounded by the parse stack.

mod names;

use names::Resolved;

/// The kinds of error Go's `regexp/syntax` reports, by Go's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `invalid character class range`: a bad range, POSIX class or `\p`.
    InvalidCharRange,
    /// `invalid escape sequence`.
    InvalidEscape,
    /// `invalid named capture`.
    InvalidNamedCapture,
    /// `invalid or unsupported Perl syntax`: an unknown `(?` group or flag.
    InvalidPerlOp,
    /// `invalid nested repetition operator`: `a**`, `a{2}{3}`.
    InvalidRepeatOp,
    /// `invalid repeat count`: over 1000, `{2,1}`, or nested over 1000.
    InvalidRepeatSize,
    /// `invalid UTF-8`.
    InvalidUtf8,
    /// `missing closing ]`.
    MissingBracket,
    /// `missing closing )`.
    MissingParen,
    /// `missing argument to repetition operator`.
    MissingRepeatArgument,
    /// `trailing backslash at end of expression`.
    TrailingBackslash,
    /// `unexpected )`.
    UnexpectedParen,
    /// `expression nests too deeply`.
    NestingDepth,
    /// `expression too large`.
    Large,
}

impl ErrorKind {
    /// Go's text for the kind, as in `error parsing regexp: <text>: ...`.
    pub fn go_text(self) -> &'static str {
        match self {
            ErrorKind::InvalidCharRange => "invalid character class range",
            ErrorKind::InvalidEscape => "invalid escape sequence",
            ErrorKind::InvalidNamedCapture => "invalid named capture",
            ErrorKind::InvalidPerlOp => "invalid or unsupported Perl syntax",
            ErrorKind::InvalidRepeatOp => "invalid nested repetition operator",
            ErrorKind::InvalidRepeatSize => "invalid repeat count",
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::MissingBracket => "missing closing ]",
            ErrorKind::MissingParen => "missing closing )",
            ErrorKind::MissingRepeatArgument => "missing argument to repetition operator",
            ErrorKind::TrailingBackslash => "trailing backslash at end of expression",
            ErrorKind::UnexpectedParen => "unexpected )",
            ErrorKind::NestingDepth => "expression nests too deeply",
            ErrorKind::Large => "expression too large",
        }
    }
}

/// A pattern Go's `regexp.Compile` refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoError {
    /// What Go reports.
    pub kind: ErrorKind,
    /// The byte range of the offending text in the pattern (Go's `Expr`,
    /// or the unmatched parenthesis, or the whole pattern for size limits).
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A pattern Go accepts and C++ RE2 refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Re2Error {
    /// The byte range of the `\p{...}` in the pattern.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The class as written, e.g. `\p{Letter}`.
    pub written: String,
    /// The spelling RE2 knows, e.g. `\p{L}`, when there is one.
    pub exact: Option<String>,
}

/// Why a pattern must not be emitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Go refuses it: the Cilium agent drops the policy.
    Go(GoError),
    /// Go accepts it but RE2 refuses it: Envoy rejects the configuration.
    Re2(Re2Error),
}

/// Checks a pattern as Go's `regexp.Compile` does.
pub fn check(pattern: &str) -> Result<(), GoError> {
    check_bytes(pattern.as_bytes())
}

/// Checks a pattern given as bytes (Go strings need not be UTF-8).
pub fn check_bytes(pattern: &[u8]) -> Result<(), GoError> {
    Parser::new(pattern).parse().map(|_| ())
}

/// Checks that both Go and C++ RE2 accept a pattern: safe to emit.
pub fn check_emit(pattern: &str) -> Result<(), Refusal> {
    let classes = Parser::new(pattern.as_bytes())
        .parse()
        .map_err(Refusal::Go)?;
    for class in classes {
        if let Some(error) = re2_refuses(pattern, &class) {
            return Err(Refusal::Re2(error));
        }
    }
    Ok(())
}

/// A `\p` class Go accepted, kept for the RE2 check.
struct UnicodeClass {
    start: usize,
    end: usize,
    /// The byte range of the name, without braces or `^`.
    name: (usize, usize),
    resolved: Resolved,
}

/// RE2 knows `Any`, the general categories but `Cn` and `LC`, and the
/// scripts, each by its exact name only.
fn re2_refuses(pattern: &str, class: &UnicodeClass) -> Option<Re2Error> {
    let written = pattern.get(class.start..class.end)?.to_owned();
    let name = pattern.get(class.name.0..class.name.1)?;
    let prefix = written.get(..2).unwrap_or("\\p");
    let braced = written.get(2..).is_some_and(|rest| rest.starts_with('{'));
    let negated = written.get(2..).is_some_and(|rest| rest.starts_with("{^"));
    let spell = |exact: &str| {
        if !braced && exact.len() == 1 {
            return Some(format!("{prefix}{exact}"));
        }
        let caret = if negated { "^" } else { "" };
        Some(format!("{prefix}{{{caret}{exact}}}"))
    };
    let (known, exact) = match class.resolved {
        Resolved::Special("Any") => (name == "Any", spell("Any")),
        Resolved::Special("Ascii") => (false, Some("[\\x00-\\x7F]".to_owned())),
        Resolved::Special(_) => (false, None),
        Resolved::Category(category) if names::GO_ONLY_CATEGORIES.contains(&category) => {
            let exact = (category == "LC").then(|| "[\\p{Lu}\\p{Ll}\\p{Lt}]".to_owned());
            (false, exact)
        }
        Resolved::Category(category) | Resolved::Script(category) => {
            (name == category, spell(category))
        }
        Resolved::Alias(_, category) if names::GO_ONLY_CATEGORIES.contains(&category) => {
            (false, None)
        }
        Resolved::Alias(_, category) => (false, spell(category)),
    };
    (!known).then_some(Re2Error {
        start: class.start,
        end: class.end,
        written,
        exact,
    })
}

/// Go's limit on a repeat count, and on the product of nested counts.
const MAX_REPEAT: i64 = 1000;
/// Go's limit on the height of the parse tree.
const MAX_HEIGHT: u32 = 1000;
/// Go's limit on the compiled size, in instructions (128 MB of 40-byte
/// instructions).
const MAX_SIZE: i64 = (128 << 20) / 40;
/// Go's limit on the runes held by the tree (128 MB of 4-byte runes).
const MAX_RUNES: i64 = (128 << 20) / 4;

/// Parse flags that change what the parser builds.
const FOLD_CASE: u16 = 1;
const DOT_NL: u16 = 1 << 3;
const ONE_LINE: u16 = 1 << 4;
const NON_GREEDY: u16 = 1 << 5;
/// `syntax.Perl` without the bits that only select syntax (always on here).
const PERL: u16 = ONE_LINE;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Literal,
    /// A character class, `.`, or an assertion: one instruction, no runes
    /// that matter here beyond a class's.
    Class,
    Simple,
    EmptyMatch,
    NoMatch,
    Capture,
    Star,
    Plus,
    Quest,
    Repeat,
    Concat,
    Alternate,
    LeftParen,
    VerticalBar,
}

impl Op {
    fn is_pseudo(self) -> bool {
        matches!(self, Op::LeftParen | Op::VerticalBar)
    }
}

/// A node on the parse stack, summarised.
#[derive(Clone, Copy, Debug)]
struct Node {
    op: Op,
    flags: u16,
    /// Runes in a literal; ranges (times two) in a class.
    runes: i64,
    height: u32,
    /// Go's `calcSize`.
    size: i64,
    /// The largest product of nested repeat counts on a path down from here
    /// (what `repeatIsValid` checks against 1000).
    product: u32,
    /// Concat and alternate: the number of children and their summed size.
    subs: u32,
    sub_size: i64,
    /// Repeat: the count Go multiplies into `repeats` (max, or min when
    /// unbounded, at least 1).
    count: u32,
    /// Left parenthesis: capturing, and where it was written.
    capture: bool,
    position: u32,
}

impl Node {
    fn leaf(op: Op, flags: u16, runes: i64) -> Node {
        Node {
            op,
            flags,
            runes,
            height: 1,
            size: if op == Op::Literal { runes.max(1) } else { 1 },
            product: 1,
            subs: 0,
            sub_size: 0,
            count: 1,
            capture: false,
            position: 0,
        }
    }

    fn unary(op: Op, flags: u16, sub: &Node, min: i64, max: i64) -> Node {
        let size = match op {
            Op::Capture | Op::Star => sub.size.saturating_add(2),
            Op::Plus | Op::Quest => sub.size.saturating_add(1),
            _ if max == -1 && min == 0 => sub.size.saturating_add(2),
            _ if max == -1 => min.saturating_mul(sub.size).saturating_add(1),
            _ => max.saturating_mul(sub.size).saturating_add(max - min),
        };
        let product = if op != Op::Repeat {
            sub.product
        } else if max == 0 {
            1
        } else {
            let count = if max < 0 { min } else { max };
            if count > 0 {
                // Capped well above the limit of 1000 so that it fits.
                let product = count.saturating_mul(i64::from(sub.product)).min(1 << 20);
                u32::try_from(product).unwrap_or(u32::MAX)
            } else {
                sub.product
            }
        };
        Node {
            op,
            flags,
            runes: 0,
            height: sub.height.saturating_add(1),
            size: size.max(1),
            product,
            subs: 1,
            sub_size: sub.size,
            count: 1,
            capture: false,
            position: 0,
        }
    }
}

/// The result of a successful parse: the `\p` classes, for the RE2 check.
type Classes = Vec<UnicodeClass>;

struct Parser<'a> {
    s: &'a [u8],
    flags: u16,
    stack: Vec<Node>,
    /// Go's `numRegexp`: nodes allocated, with freed nodes reused first.
    allocated: i64,
    free: i64,
    num_runes: i64,
    /// Product of every repeat count seen, capped (Go's `repeats`).
    repeats: i64,
    /// Whether Go has started measuring sizes (`p.size != nil`).
    measuring: bool,
    classes: Classes,
}

/// The byte at `i`, or 0 past the end (0 is never a syntax byte).
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// Go's `nextRune`: the rune at `i` and its length; past the end, U+FFFD and
/// length 0 (as Go's `DecodeRuneInString("")`); invalid UTF-8 is an error.
fn next_rune(s: &[u8], i: usize) -> Result<(u32, usize), GoError> {
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

fn check_utf8(s: &[u8], start: usize, end: usize) -> Result<(), GoError> {
    let mut i = start;
    while i < end {
        let (_, width) = next_rune(s, i)?;
        i += width.max(1);
    }
    Ok(())
}

fn find(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from + offset)
}

fn unhex(c: u32) -> i64 {
    match char::from_u32(c).and_then(|c| c.to_digit(16)) {
        Some(digit) => i64::from(digit),
        None => -1,
    }
}

fn is_alnum(c: u32) -> bool {
    char::from_u32(c).is_some_and(|c| c.is_ascii_alphanumeric())
}

impl<'a> Parser<'a> {
    fn new(s: &'a [u8]) -> Parser<'a> {
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

    fn error(kind: ErrorKind, start: usize, end: usize) -> GoError {
        GoError { kind, start, end }
    }

    fn whole(&self, kind: ErrorKind) -> GoError {
        Parser::error(kind, 0, self.s.len())
    }

    /// Go's `newRegexp`: reuse a freed node, or allocate one.
    fn allocate(&mut self) {
        if self.free > 0 {
            self.free -= 1;
        } else {
            self.allocated += 1;
        }
    }

    fn reuse(&mut self) {
        self.free += 1;
    }

    fn check_limits(&mut self, node: &Node) -> Result<(), GoError> {
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

    fn check_height(&self, node: &Node) -> Result<(), GoError> {
        if node.height > MAX_HEIGHT {
            return Err(self.whole(ErrorKind::NestingDepth));
        }
        Ok(())
    }

    /// Go's `push`, with its incremental literal concatenation.
    fn push(&mut self, node: Node) -> Result<(), GoError> {
        self.num_runes = self.num_runes.saturating_add(node.runes);
        self.maybe_concat();
        self.stack.push(node);
        self.check_limits(&node)
    }

    /// Go's `maybeConcat`: merges the two literals on top of the stack.
    fn maybe_concat(&mut self) {
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

    fn literal(&mut self) -> Result<(), GoError> {
        self.allocate();
        self.push(Node::leaf(Op::Literal, self.flags, 1))
    }

    fn op(&mut self, op: Op) -> Result<(), GoError> {
        self.allocate();
        self.push(Node::leaf(op, self.flags, 0))
    }

    fn class(&mut self) -> Result<(), GoError> {
        self.allocate();
        self.push(Node::leaf(Op::Class, self.flags, 2))
    }

    fn left_paren(&mut self, capture: bool, position: usize) -> Result<(), GoError> {
        self.allocate();
        let mut node = Node::leaf(Op::LeftParen, self.flags, 0);
        node.capture = capture;
        node.position = u32::try_from(position).unwrap_or(u32::MAX);
        self.push(node)
    }

    /// Go's `repeat`: `before` is where the operator starts, `after` where
    /// it ends; returns the new `after` (past a non-greedy `?`).
    fn repeat(
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
    fn collapse(&mut self, subs: &[Node], op: Op) -> Option<Node> {
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
    fn operands_start(&self) -> usize {
        self.stack
            .iter()
            .rposition(|node| node.op.is_pseudo())
            .map_or(0, |i| i + 1)
    }

    fn concat(&mut self) -> Result<(), GoError> {
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

    fn alternate(&mut self) -> Result<(), GoError> {
        let subs = self.stack.split_off(self.operands_start());
        if subs.is_empty() {
            return self.op(Op::NoMatch);
        }
        match self.collapse(&subs, Op::Alternate) {
            Some(node) => self.push(node),
            None => Ok(()),
        }
    }

    fn is_char_class(node: &Node) -> bool {
        (node.op == Op::Literal && node.runes == 1) || node.op == Op::Class
    }

    /// Go's `swapVerticalBar`.
    fn swap_vertical_bar(&mut self) -> bool {
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

    fn vertical_bar(&mut self, position: usize) -> Result<(), GoError> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.allocate();
            let mut node = Node::leaf(Op::VerticalBar, self.flags, 0);
            node.position = u32::try_from(position).unwrap_or(u32::MAX);
            self.push(node)?;
        }
        Ok(())
    }

    fn right_paren(&mut self, position: usize) -> Result<(), GoError> {
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

    fn parse(mut self) -> Result<Classes, GoError> {
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
fn parse_repeat(s: &[u8], i: usize) -> Option<(i64, i64, usize)> {
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
fn parse_int(s: &[u8], i: usize) -> Option<(i64, usize)> {
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

fn is_valid_capture_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&byte| byte == b'_' || byte.is_ascii_alphanumeric())
}

impl Parser<'_> {
    /// Go's `parsePerlFlags`, at a `(?`: returns the index after it.
    fn perl_flags(&mut self, i: usize) -> Result<usize, GoError> {
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
    fn backslash(&mut self, i: usize) -> Result<usize, GoError> {
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
    fn escape(&self, i: usize) -> Result<(u32, usize), GoError> {
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
    fn unicode_class(&mut self, i: usize) -> Result<Option<usize>, GoError> {
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
    fn named_class(&self, i: usize) -> Result<Option<usize>, GoError> {
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
    fn parse_class(&mut self, start: usize) -> Result<usize, GoError> {
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
    fn class_char(&self, t: usize, class_start: usize) -> Result<(u32, usize), GoError> {
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
fn is_perl_class(s: &[u8], i: usize) -> bool {
    at(s, i) == b'\\' && matches!(at(s, i + 1), b'd' | b'D' | b's' | b'S' | b'w' | b'W')
}

#[cfg(test)]
mod tests;
