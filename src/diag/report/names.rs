//! Names, definitions and budgets (E01xx).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0101`: unknown constant or parameter.
pub fn unknown_constant(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::E0101, span, format!("cannot find `${name}`"))
        .label("not a constant or parameter in scope")
}

/// `E0102`: unknown category.
pub fn unknown_category(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::E0102, span, format!("cannot find category `{name}`"))
        .label("no category of this name in scope")
}

/// What [`duplicate_definition`] reports.
pub enum DuplicateDefinition<'a> {
    /// "the namespace `{name}` is listed more than once in the inventory"
    InventoryNamespace {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "the {what} `{name}` is defined more than once"
    Definition {
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "two constants make the CIDR group `{name}`"
    CidrGroup {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
}

/// `E0103`: duplicate definition.
pub fn duplicate_definition(span: Span, problem: DuplicateDefinition<'_>) -> Diagnostic {
    match problem {
        DuplicateDefinition::InventoryNamespace { name } => Diagnostic::new(
            Code::E0103,
            span,
            format!("the namespace `{name}` is listed more than once in the inventory"),
        ),
        DuplicateDefinition::Definition { what, name } => Diagnostic::new(
            Code::E0103,
            span,
            format!("the {what} `{name}` is defined more than once"),
        ),
        DuplicateDefinition::CidrGroup { name } => Diagnostic::new(
            Code::E0103,
            span,
            format!("two constants make the CIDR group `{name}`"),
        )
        .label("this constant"),
    }
}

/// `E0104`: imported file not found.
pub fn import_not_found(span: Span, path: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::E0104, span, format!("cannot find `{path}` to import"))
}

/// What [`definition_cycle`] reports.
pub enum DefinitionCycle<'a> {
    /// "category `{name}` uses itself"
    Category {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "`${name}` is defined in terms of itself"
    Constant {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
}

/// `E0105`: categories use each other in a cycle.
pub fn definition_cycle(span: Span, problem: DefinitionCycle<'_>) -> Diagnostic {
    match problem {
        DefinitionCycle::Category { name } => {
            Diagnostic::new(Code::E0105, span, format!("category `{name}` uses itself"))
                .label("this `use` closes the cycle")
        }
        DefinitionCycle::Constant { name } => Diagnostic::new(
            Code::E0105,
            span,
            format!("`${name}` is defined in terms of itself"),
        )
        .label("used here while it is being defined"),
    }
}

/// What [`invalid_silence`] reports.
pub enum InvalidSilence<'a> {
    /// "`{code}` is an error, and errors cannot be silenced"
    ErrorCode {
        /// The `code` in the message.
        code: &'a dyn fmt::Display,
    },
    /// "`{written}` is not a warning code"
    NotWarning {
        /// The `written` in the message.
        written: &'a dyn fmt::Display,
    },
    /// "a `silence` needs a reason"
    NoReason,
}

/// `E0106`: `silence` without a reason, or of a code that is not a warning.
pub fn invalid_silence(span: Span, problem: InvalidSilence<'_>) -> Diagnostic {
    match problem {
        InvalidSilence::ErrorCode { code } => Diagnostic::new(Code::E0106, span, format!("`{code}` is an error, and errors cannot be silenced"))
        .label("an error code")
        .note("`silence` takes warning codes (`W...`); an error means netpolc cannot emit a correct policy"),
        InvalidSilence::NotWarning { written } => Diagnostic::new(Code::E0106, span, format!("`{written}` is not a warning code"))
        .label("unknown code"),
        InvalidSilence::NoReason => Diagnostic::new(Code::E0106, span, "a `silence` needs a reason".to_owned())
        .label("no reason given")
        .note("the reason tells the next reader why the warning does not apply here"),
    }
}

/// `E0107`: definitions nested too deeply.
pub fn nested_too_deeply(
    span: Span,
    what: &dyn fmt::Display,
    limit: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0107,
        span,
        format!("{what} are nested more than {limit} deep here"),
    )
}

/// What [`budget_exceeded`] reports.
pub enum BudgetExceeded<'a> {
    /// "this {what} makes the policy hold {total} entries, more than {limit}"
    PolicyEntries {
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
        /// The `total` in the message.
        total: &'a dyn fmt::Display,
        /// The `limit` in the message.
        limit: &'a dyn fmt::Display,
    },
    /// "the program passes its budget of {limit} entries here"
    ProgramEntries {
        /// The `limit` in the message.
        limit: &'a dyn fmt::Display,
    },
    /// "this list holds more than {limit} elements"
    ListElements {
        /// The `limit` in the message.
        limit: &'a dyn fmt::Display,
    },
    /// "these {cidrs} CIDRs with {excepts} exceptions each make {entries} entries, more than {limit}"
    CidrExceptions {
        /// The `cidrs` in the message.
        cidrs: &'a dyn fmt::Display,
        /// The `excepts` in the message.
        excepts: &'a dyn fmt::Display,
        /// The `entries` in the message.
        entries: &'a dyn fmt::Display,
        /// The `limit` in the message.
        limit: &'a dyn fmt::Display,
    },
}

/// `E0108`: expansion exceeds its budget.
pub fn budget_exceeded(span: Span, problem: BudgetExceeded<'_>) -> Diagnostic {
    match problem {
        BudgetExceeded::PolicyEntries { what, total, limit } => Diagnostic::new(Code::E0108, span, format!("this {what} makes the policy hold {total} entries, more than {limit}"))
        .label("the policy passes its budget here"),
        BudgetExceeded::ProgramEntries { limit } => Diagnostic::new(Code::E0108, span, format!("the program passes its budget of {limit} entries here"))
        .label("netpolc stopped expanding here"),
        BudgetExceeded::ListElements { limit } => Diagnostic::new(Code::E0108, span, format!("this list holds more than {limit} elements")),
        BudgetExceeded::CidrExceptions {
            cidrs,
            excepts,
            entries,
            limit,
        } => Diagnostic::new(Code::E0108, span, format!(
            "these {cidrs} CIDRs with {excepts} exceptions each make {entries} entries, more than {limit}"
        ))
        .label("every CIDR carries every exception"),
    }
}

/// What [`unknown_sentence`] reports.
pub enum UnknownSentence<'a> {
    /// "the sentence `{title}` is not in scope"
    NotInScope {
        /// The `title` in the message.
        title: &'a dyn fmt::Display,
    },
    /// "cannot find the rule sentence `{title}`"
    NotFound {
        /// The `title` in the message.
        title: &'a dyn fmt::Display,
    },
}

/// `E0109`: unknown rule sentence.
pub fn unknown_sentence(span: Span, problem: UnknownSentence<'_>) -> Diagnostic {
    match problem {
        UnknownSentence::NotInScope { title } => Diagnostic::new(
            Code::E0109,
            span,
            format!("the sentence `{title}` is not in scope"),
        )
        .label("declared in a file this file does not import"),
        UnknownSentence::NotFound { title } => Diagnostic::new(
            Code::E0109,
            span,
            format!("cannot find the rule sentence `{title}`"),
        )
        .label("no category in scope declares this sentence"),
    }
}
