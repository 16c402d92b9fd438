//! Rename: constants (with the CIDR group named after one), categories,
//! parameters and namespaces, refused for the standard library's names,
//! invalid names and names already taken where the definition is seen.

use super::{Analysis, Edit, RenameError};
use crate::ast;
use crate::sema::index::{Def, DefId, DefKind, Detail};
use crate::source::{FileId, Span};

/// Every keyword of the language (the grammar's `keyword` rule): no
/// constant, category or parameter may be named so.
pub(super) const KEYWORDS: &[&str] = &[
    "import",
    "const",
    "category",
    "namespaces",
    "namespace",
    "system",
    "cluster",
    "policy",
    "use",
    "select",
    "description",
    "label",
    "default",
    "deny",
    "no",
    "silence",
    "ingress",
    "egress",
    "allow",
    "from",
    "to",
    "pods",
    "nodes",
    "aws",
    "named",
    "region",
    "all",
    "in",
    "with",
    "except",
    "entity",
    "cidr",
    "fqdn",
    "services",
    "service",
    "anywhere",
    "everything",
    "port",
    "icmp",
    "ipv4",
    "ipv6",
    "http",
    "method",
    "host",
    "header",
    "grpc",
    "kafka",
    "produce",
    "consume",
    "apikey",
    "topic",
    "client",
    "version",
    "dns",
    "sni",
    "metadata",
    "annotation",
    "log",
    "authentication",
    "listener",
    "terminate",
    "originate",
    "tls",
    "ca",
    "certificate",
    "key",
    "fallback",
    "priority",
    "l7",
    "spec",
    "secret",
    "mismatch",
    "notin",
    "sentence",
    "cilium",
    "groups",
    "group",
    "cidrs",
    "ports",
    "strings",
    "string",
    "selector",
    "expect",
    "account",
    "node",
];

/// The renamable definition at `offset` and the span of its name there.
fn renamable(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Result<(DefId, &Def, Span), RenameError> {
    let (id, def, under) =
        super::target(analysis, file, offset).ok_or(RenameError::NotRenamable)?;
    let kind_ok = matches!(
        def.kind,
        DefKind::Constant | DefKind::Category | DefKind::Parameter | DefKind::Namespace
    );
    // A sentence's word names its category without being its name.
    if !kind_ok || super::in_stdlib(analysis, def.span) || analysis.sources.slice(under) != def.name
    {
        return Err(RenameError::NotRenamable);
    }
    Ok((id, def, under))
}

pub(super) fn prepare(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Result<Span, RenameError> {
    renamable(analysis, file, offset).map(|(_, _, under)| under)
}

pub(super) fn rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    let (id, def, _) = renamable(analysis, file, offset)?;
    check_name(def.kind, new_name)?;
    if new_name == def.name {
        return Ok(Vec::new());
    }
    check_conflict(analysis, id, def, new_name)?;
    let spans: Vec<Span> = if def.kind == DefKind::Namespace {
        let (blocks, uses) = super::namespace_spans(analysis, &def.name);
        blocks.into_iter().chain(uses).collect()
    } else {
        std::iter::once(def.span)
            .chain(analysis.index.references(id).iter().copied())
            .collect()
    };
    let mut edits: Vec<Edit> = spans
        .into_iter()
        // Only the name as written: not a sentence's word.
        .filter(|span| analysis.sources.slice(*span) == def.name)
        .map(|span| Edit {
            span,
            new_text: new_name.to_owned(),
        })
        .collect();
    edits.sort();
    edits.dedup();
    Ok(edits)
}

/// The grammar's `ident`: a letter or `_`, then letters, digits and `_`.
fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
}

fn check_name(kind: DefKind, name: &str) -> Result<(), RenameError> {
    let (valid, rule) = match kind {
        DefKind::Constant => (
            is_ident(name) && !name.chars().any(|c| c.is_ascii_lowercase()),
            "a constant's name is an upper-case identifier (`A`-`Z`, digits, `_`), not a keyword",
        ),
        DefKind::Category => (
            // A category used at namespace level names a policy: `_`
            // becomes `-` and the result must be a DNS-1123 subdomain.
            is_ident(name) && crate::sema::is_dns_subdomain(&name.replace('_', "-")),
            "a category's name is a lower-case identifier (`a`-`z`, digits, `_`), not a keyword",
        ),
        DefKind::Parameter => (
            is_ident(name),
            "a parameter's name is an identifier (letters, digits, `_`), not a keyword",
        ),
        DefKind::Namespace => (
            crate::sema::is_dns_label(name),
            "a namespace name is a DNS-1123 label: at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit",
        ),
        DefKind::Policy | DefKind::CidrGroup => (false, "this name cannot be renamed"),
    };
    if valid {
        Ok(())
    } else {
        Err(RenameError::InvalidName(format!("`{name}`: {rule}")))
    }
}

/// The files that see the definitions of `file`: itself and the files that
/// import it.
fn seen_from(analysis: &Analysis, file: FileId) -> Vec<FileId> {
    let mut files = vec![file];
    files.extend(
        analysis
            .index
            .imports()
            .iter()
            .filter(|import| import.target == Some(file))
            .map(|import| import.file),
    );
    files
}

/// True when a definition in `from` would be seen from one of `files`:
/// it is in one of them, in a file one of them imports, or in the
/// standard library.
fn visible(analysis: &Analysis, from: FileId, files: &[FileId]) -> bool {
    super::in_stdlib(analysis, Span::new(from, 0, 0))
        || files.contains(&from)
        || analysis
            .index
            .imports()
            .iter()
            .any(|import| files.contains(&import.file) && import.target == Some(from))
}

fn check_conflict(
    analysis: &Analysis,
    id: DefId,
    def: &Def,
    new_name: &str,
) -> Result<(), RenameError> {
    let taken = |what: &str, other: &Def| {
        RenameError::Conflict(format!(
            "{what} `{new_name}` already exists at {}",
            super::hover::location(analysis, other.span)
        ))
    };
    match def.kind {
        DefKind::Constant | DefKind::Category => {
            let files = seen_from(analysis, def.span.file);
            let what = if def.kind == DefKind::Constant {
                "a constant"
            } else {
                "a category"
            };
            for (_, other) in analysis.index.of_kind(def.kind) {
                if other.name == new_name && visible(analysis, other.span.file, &files) {
                    return Err(taken(what, other));
                }
            }
            // A category's parameter of the new name would hide a constant
            // in the category's body.
            if def.kind == DefKind::Constant {
                for use_span in analysis.index.references(id) {
                    if let Some(param) = shadowing_param(analysis, *use_span, new_name) {
                        return Err(taken("a parameter", param));
                    }
                }
            }
        }
        DefKind::Parameter => {
            let Detail::Parameter { category, .. } = def.detail else {
                return Err(RenameError::NotRenamable);
            };
            if let Some(Detail::Category { params, .. }) =
                analysis.index.definition(category).map(|c| &c.detail)
            {
                for other in params.iter().filter_map(|p| analysis.index.definition(*p)) {
                    if other.name == new_name {
                        return Err(taken("a parameter", other));
                    }
                }
            }
            // A constant of the new name used in the category's body would
            // be hidden by the parameter.
            let body = analysis.index.definition(category).map(|c| c.item);
            for (constant, other) in analysis.index.of_kind(DefKind::Constant) {
                if other.name == new_name
                    && analysis.index.references(constant).iter().any(|at| {
                        body.is_some_and(|body| {
                            at.file == body.file && body.start <= at.start && at.end <= body.end
                        })
                    })
                {
                    return Err(taken("a constant used in this category", other));
                }
            }
        }
        DefKind::Namespace => {
            for (_, other) in analysis.index.of_kind(DefKind::Namespace) {
                if other.name == new_name {
                    return Err(taken("a namespace", other));
                }
            }
            for file in &analysis.files {
                for item in &file.items {
                    let ast::Item::Inventory(inventory) = item else {
                        continue;
                    };
                    if inventory.entries.iter().any(|e| e.name.node == new_name) {
                        return Err(RenameError::Conflict(format!(
                            "the namespace inventory already lists `{new_name}`"
                        )));
                    }
                }
            }
        }
        DefKind::Policy | DefKind::CidrGroup => return Err(RenameError::NotRenamable),
    }
    Ok(())
}

/// A parameter named `name` of the category whose body holds `at`.
fn shadowing_param<'a>(analysis: &'a Analysis, at: Span, name: &str) -> Option<&'a Def> {
    analysis
        .index
        .of_kind(DefKind::Category)
        .filter(|(_, category)| {
            category.item.file == at.file
                && category.item.start <= at.start
                && at.end <= category.item.end
        })
        .find_map(|(_, category)| match &category.detail {
            Detail::Category { params, .. } => params
                .iter()
                .filter_map(|p| analysis.index.definition(*p))
                .find(|param| param.name == name),
            _ => None,
        })
}
