//! Categories, arguments and rule sentences (E03xx).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0301`: missing argument.
pub fn missing_argument(span: Span, name: &dyn fmt::Display, missing: &[String]) -> Diagnostic {
    let noun = if missing.len() == 1 {
        "the argument"
    } else {
        "the arguments"
    };
    Diagnostic::new(
        Code::E0301,
        span,
        format!("`use {name}` is missing {noun} {}", missing.join(", ")),
    )
}

/// What [`unknown_argument`] reports.
pub enum UnknownArgument<'a> {
    /// "category `{category}` has no parameter `{name}`"
    NoParameter {
        /// The `category` in the message.
        category: &'a dyn fmt::Display,
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "the argument `{category}` is given twice"
    Twice {
        /// The `category` in the message.
        category: &'a dyn fmt::Display,
    },
}

/// `E0302`: unknown argument.
pub fn unknown_argument(span: Span, problem: UnknownArgument<'_>) -> Diagnostic {
    let message = match problem {
        UnknownArgument::NoParameter { category, name } => {
            format!("category `{category}` has no parameter `{name}`")
        }
        UnknownArgument::Twice { category } => format!("the argument `{category}` is given twice"),
    };
    Diagnostic::new(Code::E0302, span, message)
}

/// `E0303`: category with policies used inside a policy.
pub fn category_with_policies(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0303,
        span,
        format!("`{name}` defines policies, so it cannot be used inside a policy"),
    )
}

/// `E0304`: two policies with the same name in one namespace.
pub fn duplicate_policy_name(
    span: Span,
    name: &dyn fmt::Display,
    policy: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0304,
        span,
        format!("namespace `{name}` gets two policies named `{policy}`"),
    )
}

/// What [`statement_not_allowed`] reports.
pub enum StatementNotAllowed<'a> {
    /// "a policy of namespace `{name}` selects only pods of `{name}`"
    NamespacePodsOnly {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "a service peer is in one namespace or in all namespaces"
    ServiceNamespace,
}

/// `E0305`: statement not allowed here.
pub fn statement_not_allowed(span: Span, problem: StatementNotAllowed<'_>) -> Diagnostic {
    let message = match problem {
        StatementNotAllowed::NamespacePodsOnly { name } => {
            format!("a policy of namespace `{name}` selects only pods of `{name}`")
        }
        StatementNotAllowed::ServiceNamespace => {
            "a service peer is in one namespace or in all namespaces".to_owned()
        }
    };
    Diagnostic::new(Code::E0305, span, message)
}

/// `E0306`: two categories declare the same rule sentence.
pub fn duplicate_sentence(span: Span, title: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0306,
        span,
        format!("the sentence `{title}` is declared by two categories"),
    )
}

/// What [`invalid_sentence_declaration`] reports.
pub enum InvalidSentenceDeclaration<'a> {
    /// "category `{category}` has no parameter `{param}`"
    NoParameter {
        /// The `category` in the message.
        category: &'a dyn fmt::Display,
        /// The `param` in the message.
        param: &'a dyn fmt::Display,
    },
    /// "the sentence has two `{words}` clauses"
    TwoClauses {
        /// The `words` in the message.
        words: &'a dyn fmt::Display,
    },
    /// "the sentence cannot give the parameter `{category}`, which has no default"
    NoDefault {
        /// The `category` in the message.
        category: &'a dyn fmt::Display,
    },
}

/// `E0307`: invalid sentence declaration.
pub fn invalid_sentence_declaration(
    span: Span,
    problem: InvalidSentenceDeclaration<'_>,
) -> Diagnostic {
    let message = match problem {
        InvalidSentenceDeclaration::NoParameter { category, param } => {
            format!("category `{category}` has no parameter `{param}`")
        }
        InvalidSentenceDeclaration::TwoClauses { words } => {
            format!("the sentence has two `{words}` clauses")
        }
        InvalidSentenceDeclaration::NoDefault { category } => {
            format!("the sentence cannot give the parameter `{category}`, which has no default")
        }
    };
    Diagnostic::new(Code::E0307, span, message)
}

/// What [`sentence_mismatch`] reports.
pub enum SentenceMismatch<'a> {
    /// "`{title}` takes no values after `{word}`"
    NoValues {
        /// The `title` in the message.
        title: &'a dyn fmt::Display,
        /// The `word` in the message.
        word: &'a dyn fmt::Display,
    },
    /// "`{title}` has no `{words}` clause"
    NoClause {
        /// The `title` in the message.
        title: &'a dyn fmt::Display,
        /// The `words` in the message.
        words: &'a dyn fmt::Display,
    },
    /// "`{title}` is given `{param}` twice"
    Twice {
        /// The `title` in the message.
        title: &'a dyn fmt::Display,
        /// The `param` in the message.
        param: &'a dyn fmt::Display,
    },
    /// "`{title}` needs {ways}"
    Needs {
        /// The `title` in the message.
        title: &'a dyn fmt::Display,
        /// The `ways` in the message.
        ways: &'a dyn fmt::Display,
    },
}

/// `E0308`: rule sentence does not fit its declaration.
pub fn sentence_mismatch(span: Span, problem: SentenceMismatch<'_>) -> Diagnostic {
    let message = match problem {
        SentenceMismatch::NoValues { title, word } => {
            format!("`{title}` takes no values after `{word}`")
        }
        SentenceMismatch::NoClause { title, words } => format!("`{title}` has no `{words}` clause"),
        SentenceMismatch::Twice { title, param } => format!("`{title}` is given `{param}` twice"),
        SentenceMismatch::Needs { title, ways } => format!("`{title}` needs {ways}"),
    };
    Diagnostic::new(Code::E0308, span, message)
}

/// `E0309`: positional argument in a `use`.
pub fn positional_argument(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0309,
        span,
        format!("arguments of `{name}` are named"),
    )
}
