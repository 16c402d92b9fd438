//! `netpolc import` (E07xx, W0120, W0128).

use std::fmt;

use crate::diag::{Code, Diagnostic};

/// `E0701`: cannot import this field.
pub fn unsupported_field(path: &dyn fmt::Display, place: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::without_span(Code::E0701, format!("cannot import `{path}` of {place}"))
}

/// `E0708`: a field Cilium has removed or renamed; the note says which
/// lines still read it.
pub fn removed_field(path: &dyn fmt::Display, place: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::without_span(
        Code::E0708,
        format!("`{path}` of {place} is a field Cilium has removed"),
    )
}

/// What [`invalid_document`] reports.
pub enum InvalidDocument<'a> {
    /// "cannot import document {index} of `{file}`: it uses a YAML tag"
    Tagged {
        /// The `index` in the message.
        index: &'a dyn fmt::Display,
        /// The `file` in the message.
        file: &'a dyn fmt::Display,
    },
    /// "cannot import document {index} of `{file}`: {error}"
    Unreadable {
        /// The `index` in the message.
        index: &'a dyn fmt::Display,
        /// The `file` in the message.
        file: &'a dyn fmt::Display,
        /// The `error` in the message.
        error: &'a dyn fmt::Display,
    },
    /// "`{file}` is not valid YAML{place}"
    NotYaml {
        /// The `file` in the message.
        file: &'a dyn fmt::Display,
        /// The `place` in the message.
        place: &'a dyn fmt::Display,
    },
    /// "`{path}` of {place} is not valid"
    InvalidField {
        /// The `path` in the message.
        path: &'a dyn fmt::Display,
        /// The `place` in the message.
        place: &'a dyn fmt::Display,
    },
}

/// `E0702`: invalid policy document.
pub fn invalid_document(problem: InvalidDocument<'_>) -> Diagnostic {
    match problem {
        InvalidDocument::Tagged { index, file } => Diagnostic::without_span(Code::E0702, format!("cannot import document {index} of `{file}`: it uses a YAML tag"))
        .note("Kubernetes objects are plain maps, lists and scalars; a tag such as `!Ref` has no meaning to the API server")
        .help("remove the tag"),
        InvalidDocument::Unreadable { index, file, error } => Diagnostic::without_span(Code::E0702, format!("cannot import document {index} of `{file}`: {error}"))
        .note("a Kubernetes object is JSON written as YAML: map keys are strings and numbers are finite"),
        InvalidDocument::NotYaml { file, place } => Diagnostic::without_span(Code::E0702, format!("`{file}` is not valid YAML{place}")),
        InvalidDocument::InvalidField { path, place } => Diagnostic::without_span(Code::E0702, format!("`{path}` of {place} is not valid")),
    }
}

/// What [`duplicate_imported_name`] reports.
pub enum DuplicateImportedName<'a> {
    /// "two policies named `{name}` {place}"
    Policy {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
        /// The `place` in the message.
        place: &'a dyn fmt::Display,
    },
    /// "two CiliumCIDRGroups named `{name}`"
    CidrGroup {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
}

/// `E0704`: two imported policies with the same name.
pub fn duplicate_imported_name(problem: DuplicateImportedName<'_>) -> Diagnostic {
    let message = match problem {
        DuplicateImportedName::Policy { name, place } => {
            format!("two policies named `{name}` {place}")
        }
        DuplicateImportedName::CidrGroup { name } => format!("two CiliumCIDRGroups named `{name}`"),
    };
    Diagnostic::without_span(Code::E0704, message)
}

/// What [`nothing_to_import`] reports.
pub enum NothingToImport<'a> {
    /// "`{path}` holds no CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy"
    InFile {
        /// The `path` in the message.
        path: &'a dyn fmt::Display,
    },
    /// "found no CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy to import"
    Anywhere,
}

/// `E0705`: nothing to import.
pub fn nothing_to_import(problem: NothingToImport<'_>) -> Diagnostic {
    match problem {
        NothingToImport::InFile { path } => Diagnostic::without_span(Code::E0705, format!("`{path}` holds no CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy"))
        .note("netpolc imports the documents of kind `CiliumNetworkPolicy` and `CiliumClusterwideNetworkPolicy` (`cilium.io/v2`), with the `CiliumCIDRGroup`s they name, and leaves every other kind alone")
        .help("leave the file out, or name the directory that holds the policies"),
        NothingToImport::Anywhere => Diagnostic::without_span(Code::E0705, {
            "found no CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy to import".to_owned()
        })
        .note("netpolc reads the `.yaml`, `.yml` and `.json` files under each directory it is given")
        .help("name the files or directories that hold the policies"),
    }
}

/// `W0120`: imported policy restricts a system namespace.
pub fn imported_system_policy(namespace: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::without_span(
        Code::W0120,
        format!("the imported policies restrict the system namespace `{namespace}`"),
    )
}

/// `W0128`: the imported policies need a newer Cilium line than the
/// default; import writes that line into the repository.
pub fn imported_needs_line(line: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::without_span(
        Code::W0128,
        format!("the imported policies need Cilium {line}"),
    )
}
