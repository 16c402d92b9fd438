//! Go's size limits, the parse flags, and the summary of a node on the
//! parse stack (its height, compiled size and nested repeat product).

/// Go's limit on a repeat count, and on the product of nested counts.
pub(super) const MAX_REPEAT: i64 = 1000;
/// Go's limit on the height of the parse tree.
pub(super) const MAX_HEIGHT: u32 = 1000;
/// Go's limit on the compiled size, in instructions (128 MB of 40-byte
/// instructions).
pub(super) const MAX_SIZE: i64 = (128 << 20) / 40;
/// Go's limit on the runes held by the tree (128 MB of 4-byte runes).
pub(super) const MAX_RUNES: i64 = (128 << 20) / 4;

/// Parse flags that change what the parser builds.
pub(super) const FOLD_CASE: u16 = 1;
pub(super) const DOT_NL: u16 = 1 << 3;
pub(super) const ONE_LINE: u16 = 1 << 4;
pub(super) const NON_GREEDY: u16 = 1 << 5;
/// `syntax.Perl` without the bits that only select syntax (always on here).
pub(super) const PERL: u16 = ONE_LINE;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
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
    pub(super) fn is_pseudo(self) -> bool {
        matches!(self, Op::LeftParen | Op::VerticalBar)
    }
}

/// A node on the parse stack, summarised.
#[derive(Clone, Copy, Debug)]
pub(super) struct Node {
    pub(super) op: Op,
    pub(super) flags: u16,
    /// Runes in a literal; ranges (times two) in a class.
    pub(super) runes: i64,
    pub(super) height: u32,
    /// Go's `calcSize`.
    pub(super) size: i64,
    /// The largest product of nested repeat counts on a path down from here
    /// (what `repeatIsValid` checks against 1000).
    pub(super) product: u32,
    /// Concat and alternate: the number of children and their summed size.
    pub(super) subs: u32,
    pub(super) sub_size: i64,
    /// Repeat: the count Go multiplies into `repeats` (max, or min when
    /// unbounded, at least 1).
    pub(super) count: u32,
    /// Left parenthesis: capturing, and where it was written.
    pub(super) capture: bool,
    pub(super) position: u32,
}

impl Node {
    pub(super) fn leaf(op: Op, flags: u16, runes: i64) -> Node {
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

    pub(super) fn unary(op: Op, flags: u16, sub: &Node, min: i64, max: i64) -> Node {
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
