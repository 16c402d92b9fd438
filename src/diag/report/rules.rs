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
    .label("missing arguments")
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
    match problem {
        UnknownArgument::NoParameter { category, name } => Diagnostic::new(
            Code::E0302,
            span,
            format!("category `{category}` has no parameter `{name}`"),
        )
        .label("unknown parameter"),
        UnknownArgument::Twice { category } => Diagnostic::new(
            Code::E0302,
            span,
            format!("the argument `{category}` is given twice"),
        )
        .label("given again here")
        .help("remove one of them"),
    }
}

/// `E0303`: category with policies used inside a policy.
pub fn category_with_policies(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0303,
        span,
        format!("`{name}` defines policies, so it cannot be used inside a policy"),
    )
    .label("used inside a policy here")
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
    .label("the second policy comes from here")
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
    match problem {
        StatementNotAllowed::NamespacePodsOnly { name } => Diagnostic::new(
            Code::E0305,
            span,
            format!("a policy of namespace `{name}` selects only pods of `{name}`"),
        ),
        StatementNotAllowed::ServiceNamespace => Diagnostic::new(Code::E0305, span, {
            "a service peer is in one namespace or in all namespaces".to_owned()
        })
        .label("Cilium matches services by one namespace name, or by none")
        .help("write `in namespace NAME` or `in all namespaces`"),
    }
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
    match problem {
        InvalidSentenceDeclaration::NoParameter { category, param } => Diagnostic::new(
            Code::E0307,
            span,
            format!("category `{category}` has no parameter `{param}`"),
        )
        .label("the sentence fills this parameter"),
        InvalidSentenceDeclaration::TwoClauses { words } => Diagnostic::new(
            Code::E0307,
            span,
            format!("the sentence has two `{words}` clauses"),
        )
        .label("second clause"),
        InvalidSentenceDeclaration::NoDefault { category } => Diagnostic::new(
            Code::E0307,
            span,
            format!("the sentence cannot give the parameter `{category}`, which has no default"),
        )
        .label("no clause fills it"),
    }
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
    match problem {
        SentenceMismatch::NoValues { title, word } => Diagnostic::new(
            Code::E0308,
            span,
            format!("`{title}` takes no values after `{word}`"),
        )
        .label("unexpected values"),
        SentenceMismatch::NoClause { title, words } => Diagnostic::new(
            Code::E0308,
            span,
            format!("`{title}` has no `{words}` clause"),
        )
        .label("unknown clause"),
        SentenceMismatch::Twice { title, param } => Diagnostic::new(
            Code::E0308,
            span,
            format!("`{title}` is given `{param}` twice"),
        ),
        SentenceMismatch::Needs { title, ways } => {
            Diagnostic::new(Code::E0308, span, format!("`{title}` needs {ways}"))
        }
    }
}

/// `E0309`: positional argument in a `use`.
pub fn positional_argument(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0309,
        span,
        format!("arguments of `{name}` are named"),
    )
    .label("an argument without a parameter name")
}
