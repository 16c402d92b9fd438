//! What hovering shows: a name's meaning (a constant's value and uses, a
//! category's parameters, doc comment and expansion, a parameter's type),
//! the YAML a namespace, policy or rule becomes, and the explanation of the
//! diagnostics under the cursor.

use std::fmt::Write as _;

use super::yaml::{self, Document};
use super::{Analysis, Hover};
use crate::ast;
use crate::sema::index::{Def, DefId, DefKind, Detail};
use crate::source::{FileId, Span};

/// At most this many lines of a constant's value are shown.
const VALUE_LINES: usize = 12;
/// At most this many bytes of a constant's value are shown.
const VALUE_BYTES: usize = 600;

pub(super) fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<Hover> {
    // The name under the cursor, then the diagnostics there (their span is
    // narrower than a statement's), then the statement.
    let mut sections = Vec::new();
    let mut span = None;
    let name_hit = super::target(analysis, file, offset);
    if let Some((id, def, under)) = name_hit {
        sections.push(name(analysis, id, def));
        span = Some(under);
    }
    for diagnostic in &analysis.diagnostics {
        let Some(primary) = &diagnostic.primary else {
            continue;
        };
        if holds(primary.span, file, offset) {
            let code = diagnostic.code;
            sections.push(format!(
                "**{code}**: {}\n\n{}",
                diagnostic.message,
                code.explanation().trim_end()
            ));
            span.get_or_insert(primary.span);
        }
    }
    if name_hit.is_none() {
        if let Some((at, markdown)) = statement(analysis, file, offset) {
            sections.push(markdown);
            span.get_or_insert(at);
        }
    }
    Some(Hover {
        span: span?,
        markdown: sections.join("\n\n---\n\n"),
    })
}

/// True when a cursor at `offset` of `file` is on `span` (its end included).
fn holds(span: Span, file: FileId, offset: usize) -> bool {
    span.file == file && span.start as usize <= offset && offset <= span.end as usize
}

/// The hover of a definition.
fn name(analysis: &Analysis, id: DefId, def: &Def) -> String {
    match &def.detail {
        Detail::Constant { ty } => constant(analysis, id, def, *ty),
        Detail::Category { params, sentence } => {
            category(analysis, id, def, params, sentence.as_deref())
        }
        Detail::Parameter { category, ty } => {
            let category = analysis.index.definition(*category);
            let written = ast_param(analysis, def.span).map_or_else(
                || format!("{}: {ty}", def.name),
                |param| param_text(analysis, param),
            );
            format!(
                "```netpol\n{written}\n```\nParameter of category `{}`: {ty}.",
                category.map_or("?", |category| category.name.as_str())
            )
        }
        Detail::Namespace => namespace(analysis, &def.name),
        Detail::Policy { namespace, .. } => policy(analysis, namespace.as_deref(), &def.name),
        Detail::CidrGroup { .. } => {
            let mut text = format!("CiliumCIDRGroup `{}`", def.name);
            push_cidr_group(analysis, &def.name, &mut text);
            text
        }
    }
}

fn constant(analysis: &Analysis, id: DefId, def: &Def, ty: Option<crate::sema::Ty>) -> String {
    let mut text = format!(
        "```netpol\n{}\n```\n",
        shorten(analysis.sources.slice(def.item))
    );
    match ty {
        Some(ty) => {
            let _ = write!(text, "Constant `{}`: {ty}", def.name);
        }
        None => {
            let _ = write!(text, "Constant `{}`", def.name);
        }
    }
    let _ = write!(text, ", defined at {}.", location(analysis, def.span));
    push_uses(analysis, analysis.index.references(id), &mut text);
    let group = analysis.index.of_kind(DefKind::CidrGroup).find(|(_, group)| {
        matches!(group.detail, Detail::CidrGroup { constant: Some(constant) } if constant == id)
    });
    if let Some((_, group)) = group {
        let _ = write!(text, "\n\nEmitted as CiliumCIDRGroup `{}`", group.name);
        push_cidr_group(analysis, &group.name, &mut text);
    }
    text
}

fn push_cidr_group(analysis: &Analysis, name: &str, text: &mut String) {
    let found = yaml::documents(&analysis.outputs)
        .into_iter()
        .find(|doc| doc.kind == "CiliumCIDRGroup" && doc.name == name);
    match found {
        Some(doc) => {
            let _ = write!(text, ":\n\n{}", fenced(&doc));
        }
        None => text.push_str(&no_yaml(analysis)),
    }
}

fn category(
    analysis: &Analysis,
    id: DefId,
    def: &Def,
    params: &[DefId],
    sentence: Option<&str>,
) -> String {
    let written: Vec<String> = match ast_category(analysis, def.span) {
        Some(category) => category
            .params
            .iter()
            .map(|param| param_text(analysis, param))
            .collect(),
        None => params
            .iter()
            .filter_map(|param| analysis.index.definition(*param))
            .map(|param| param.name.clone())
            .collect(),
    };
    let mut text = format!("```netpol\ncategory {}", def.name);
    if !written.is_empty() {
        let _ = write!(text, "({})", written.join(", "));
    }
    if let Some(decl) = ast_category(analysis, def.span).and_then(|c| c.sentence.as_ref()) {
        let _ = write!(text, "\n  {}", analysis.sources.slice(decl.span));
    } else if let Some(sentence) = sentence {
        let _ = write!(text, "\n  sentence {sentence}");
    }
    text.push_str("\n```\n");
    let doc = doc_comment(analysis, def.item);
    if !doc.is_empty() {
        let _ = write!(text, "{doc}\n\n");
    }
    if let Some(sentence) = sentence {
        let _ = write!(text, "Written as the rule sentence `{sentence} ...`. ");
    }
    let _ = write!(text, "Defined at {}.", location(analysis, def.span));
    let uses = analysis.index.references(id);
    push_uses(analysis, uses, &mut text);
    // What it becomes: the first policy a use of it makes.
    let expansion = uses.iter().find_map(|at| {
        let (namespace, name) = policy_of_use(analysis, *at)?;
        let doc = yaml::policy(&analysis.outputs, namespace.as_deref(), &name)?;
        Some((namespace, doc))
    });
    match expansion {
        Some((namespace, doc)) => {
            let place = namespace.map_or_else(
                || "a cluster-wide policy".to_owned(),
                |namespace| format!("namespace `{namespace}`"),
            );
            let _ = write!(
                text,
                "\n\nExpands to (in {place}, policy `{}`):\n\n{}",
                doc.name,
                fenced(&doc)
            );
        }
        None if !uses.is_empty() => text.push_str(&no_yaml(analysis)),
        None => {}
    }
    text
}

fn namespace(analysis: &Analysis, name: &str) -> String {
    let docs: Vec<Document<'_>> = yaml::documents(&analysis.outputs)
        .into_iter()
        .filter(|doc| doc.kind == "CiliumNetworkPolicy" && doc.namespace == Some(name))
        .collect();
    let mut text = format!("Namespace `{name}`");
    if docs.is_empty() {
        text.push_str(&no_yaml(analysis));
        return text;
    }
    let _ = write!(text, ": {} ", docs.len());
    text.push_str(if docs.len() == 1 {
        "policy"
    } else {
        "policies"
    });
    for doc in &docs {
        let _ = write!(text, "\n\n{}", fenced(doc));
    }
    text
}

fn policy(analysis: &Analysis, namespace: Option<&str>, name: &str) -> String {
    let kind = yaml::policy_kind(namespace);
    let mut text = match namespace {
        Some(namespace) => format!("{kind} `{name}` in namespace `{namespace}`"),
        None => format!("{kind} `{name}`"),
    };
    match yaml::policy(&analysis.outputs, namespace, name) {
        Some(doc) => {
            let _ = write!(text, ":\n\n{}", fenced(&doc));
        }
        None => text.push_str(&no_yaml(analysis)),
    }
    text
}

/// A statement under the cursor that is no name: a rule (the YAML of its
/// policy), or a rule sentence (its category).
fn statement(analysis: &Analysis, file: FileId, offset: usize) -> Option<(Span, String)> {
    let syntax = analysis.file(file)?;
    // A policy's name the index does not know (after an error).
    for item in &syntax.items {
        let named = match item {
            ast::Item::Namespace(decl) => decl.body.iter().find_map(|item| match item {
                ast::BodyItem::Policy(policy) if holds(policy.name.span, file, offset) => {
                    Some(policy)
                }
                _ => None,
            }),
            ast::Item::ClusterPolicy(policy) if holds(policy.name.span, file, offset) => {
                Some(policy)
            }
            _ => None,
        };
        if let Some(policy) = named {
            let (namespace, name) = policy_at(analysis, syntax, policy.name.span)?;
            return Some((
                policy.name.span,
                self::policy(analysis, namespace.as_deref(), &name),
            ));
        }
    }
    if let Some(found) = expectation(analysis, syntax, file, offset) {
        return Some(found);
    }
    let mut found: Option<&ast::Stmt> = None;
    walk(syntax, &mut |stmt| {
        let span = stmt.span();
        if holds(span, file, offset) && found.is_none_or(|old| old.span().start <= span.start) {
            found = Some(stmt);
        }
    });
    match found? {
        ast::Stmt::Use(use_stmt) => {
            let id = analysis.index.resolved(use_stmt.name.span)?;
            let def = analysis.index.definition(id)?;
            Some((use_stmt.span, name(analysis, id, def)))
        }
        ast::Stmt::Rule(rule) => {
            let (namespace, policy_name) = policy_at(analysis, syntax, rule.span)?;
            let list = match (rule.verb.node, rule.direction.node) {
                (ast::Verb::Allow, ast::Direction::Ingress) => "ingress",
                (ast::Verb::Allow, ast::Direction::Egress) => "egress",
                (ast::Verb::Deny, ast::Direction::Ingress) => "ingressDeny",
                (ast::Verb::Deny, ast::Direction::Egress) => "egressDeny",
            };
            let mut text = match spec_index(syntax, rule.span) {
                Some(at) => format!("This rule is in `specs[{at}].{list}` of "),
                None => format!("This rule is in `spec.{list}` of "),
            };
            text.push_str(&policy(analysis, namespace.as_deref(), &policy_name));
            Some((rule.span, text))
        }
        ast::Stmt::Spec(block) => {
            let (namespace, policy_name) = policy_at(analysis, syntax, block.span)?;
            let at = spec_index(syntax, block.span)?;
            let mut text = format!("This block is the rule set `specs[{at}]` of ");
            text.push_str(&policy(analysis, namespace.as_deref(), &policy_name));
            Some((block.span, text))
        }
        ast::Stmt::Metadata(metadata) => {
            let (namespace, policy_name) = policy_at(analysis, syntax, metadata.span)?;
            let map = match metadata.kind {
                ast::MetadataKind::Label => "labels",
                ast::MetadataKind::Annotation => "annotations",
            };
            let mut text = format!(
                "This sets `metadata.{map}` entry `{}` of the object ",
                metadata.key.node
            );
            text.push_str(&policy(analysis, namespace.as_deref(), &policy_name));
            Some((metadata.span, text))
        }
        _ => None,
    }
}

/// The `expect` under the cursor: what the engine says of its flow, for
/// each namespace it is checked in.
fn expectation(
    analysis: &Analysis,
    syntax: &ast::File,
    file: FileId,
    offset: usize,
) -> Option<(Span, String)> {
    let bodies = syntax.items.iter().flat_map(|item| match item {
        ast::Item::Namespace(decl) => decl.body.as_slice(),
        ast::Item::Category(category) => category.body.as_slice(),
        _ => &[],
    });
    let top = syntax.items.iter().filter_map(|item| match item {
        ast::Item::Expect(expect) => Some(&**expect),
        _ => None,
    });
    let nested = bodies.filter_map(|item| match item {
        ast::BodyItem::Expect(expect) => Some(&**expect),
        _ => None,
    });
    let expect = top
        .chain(nested)
        .find(|expect| holds(expect.span, file, offset))?;
    let checked: Vec<&crate::ir::Expectation> = analysis
        .program
        .expectations
        .iter()
        .filter(|expectation| expectation.origin.span == expect.span)
        .collect();
    let verb = expect.verb.node.keyword();
    let mut text = format!("Expectation: the policies must {verb} this flow.");
    if checked.is_empty() {
        text.push_str(
            "

Not decided: the repository has errors, or no namespace uses the category.",
        );
        return Some((expect.span, text));
    }
    let engine = crate::flow::Engine::new(&analysis.program);
    for expectation in checked.iter().take(VALUE_LINES) {
        let answer = engine.decide_spec(&expectation.flow);
        let verdict = match answer.verdict {
            crate::flow::FlowVerdict::Allowed => "allowed",
            crate::flow::FlowVerdict::Denied => "denied",
            crate::flow::FlowVerdict::FqdnUnsupported => {
                "undecided (only a DNS cache could decide)"
            }
        };
        let side = |side: &crate::flow::Side| {
            let deciders: Vec<String> = side.deciders.iter().map(ToString::to_string).collect();
            if deciders.is_empty() {
                side.verdict.as_str().to_owned()
            } else {
                format!("{} ({})", side.verdict.as_str(), deciders.join(", "))
            }
        };
        let _ = write!(
            text,
            "

- `{}`: {verdict}; egress {}, ingress {}",
            crate::flow::describe_flow(&expectation.flow),
            side(&answer.egress),
            side(&answer.ingress),
        );
    }
    if checked.len() > VALUE_LINES {
        let _ = write!(
            text,
            "

({} more namespaces)",
            checked.len() - VALUE_LINES
        );
    }
    Some((expect.span, text))
}

/// The position in `specs` of the `spec` block of a policy that holds
/// `span`; `None` outside every `spec` block.
fn spec_index(syntax: &ast::File, span: Span) -> Option<usize> {
    let within = |outer: Span| outer.start <= span.start && span.end <= outer.end;
    let in_policy = |policy: &ast::PolicyDecl| {
        policy
            .body
            .iter()
            .filter_map(|stmt| match stmt {
                ast::Stmt::Spec(block) => Some(block.span),
                _ => None,
            })
            .position(within)
    };
    syntax.items.iter().find_map(|item| match item {
        ast::Item::ClusterPolicy(policy) => in_policy(policy),
        ast::Item::Namespace(ast::NamespaceDecl { body, .. })
        | ast::Item::Category(ast::Category { body, .. }) => {
            body.iter().find_map(|item| match item {
                ast::BodyItem::Policy(policy) => in_policy(policy),
                _ => None,
            })
        }
        _ => None,
    })
}

/// A statement, then the statements of a `spec` block, innermost last.
fn visit_stmt<'a>(stmt: &'a ast::Stmt, visit: &mut dyn FnMut(&'a ast::Stmt)) {
    visit(stmt);
    if let ast::Stmt::Spec(block) = stmt {
        for inner in &block.body {
            visit_stmt(inner, visit);
        }
    }
}

/// Every statement of a file: in namespaces, their policies, categories
/// and cluster policies.
fn walk<'a>(file: &'a ast::File, visit: &mut impl FnMut(&'a ast::Stmt)) {
    let body = |items: &'a [ast::BodyItem], visit: &mut dyn FnMut(&'a ast::Stmt)| {
        for item in items {
            match item {
                ast::BodyItem::Policy(policy) => {
                    for stmt in &policy.body {
                        visit_stmt(stmt, visit);
                    }
                }
                ast::BodyItem::Stmt(stmt) => visit_stmt(stmt, visit),
                ast::BodyItem::Expect(_) => {}
            }
        }
    };
    for item in &file.items {
        match item {
            ast::Item::Namespace(decl) => body(&decl.body, visit),
            ast::Item::Category(category) => body(&category.body, visit),
            ast::Item::ClusterPolicy(policy) => {
                for stmt in &policy.body {
                    visit_stmt(stmt, visit);
                }
            }
            _ => {}
        }
    }
}

/// The emitted policy a statement at `span` of a namespace or cluster
/// policy belongs to: its namespace (`None`: cluster-wide) and name. The
/// index knows the name a policy is emitted under; after an error, when it
/// may not, the name as written is the answer.
fn policy_at(
    analysis: &Analysis,
    syntax: &ast::File,
    span: Span,
) -> Option<(Option<String>, String)> {
    let within = |outer: Span| outer.start <= span.start && span.end <= outer.end;
    let emitted = |origin: Span| {
        analysis
            .index
            .of_kind(DefKind::Policy)
            .find_map(|(_, def)| match &def.detail {
                Detail::Policy { namespace, .. } if def.item == origin => {
                    Some((namespace.clone(), def.name.clone()))
                }
                _ => None,
            })
    };
    for item in &syntax.items {
        match item {
            ast::Item::Namespace(decl) if within(decl.span) => {
                let block = decl.body.iter().find_map(|item| match item {
                    ast::BodyItem::Policy(policy) if within(policy.span) => Some(policy),
                    _ => None,
                });
                let namespace = Some(decl.name.node.clone());
                return Some(match block {
                    Some(policy) => emitted(policy.span)
                        .unwrap_or_else(|| (namespace, policy.name.node.clone())),
                    // A bare statement: the namespace's own policy, whose
                    // origin is the namespace's name.
                    None => emitted(decl.name.span)
                        .unwrap_or_else(|| (namespace, decl.name.node.clone())),
                });
            }
            ast::Item::ClusterPolicy(policy) if within(policy.span) => {
                return Some(
                    emitted(policy.span).unwrap_or_else(|| (None, policy.name.node.clone())),
                );
            }
            _ => {}
        }
    }
    None
}

/// The emitted policy a `use` of a category at `at` makes or is part of.
fn policy_of_use(analysis: &Analysis, at: Span) -> Option<(Option<String>, String)> {
    let within =
        |outer: Span| outer.file == at.file && outer.start <= at.start && at.end <= outer.end;
    let mut best: Option<&Def> = None;
    for (_, def) in analysis.index.of_kind(DefKind::Policy) {
        let Detail::Policy { via, .. } = &def.detail else {
            continue;
        };
        let hit = via.is_some_and(within) || within(def.item);
        if hit
            && best.is_none_or(|old| {
                def.item.end.saturating_sub(def.item.start)
                    < old.item.end.saturating_sub(old.item.start)
            })
        {
            best = Some(def);
        }
    }
    let def = best?;
    match &def.detail {
        Detail::Policy { namespace, .. } => Some((namespace.clone(), def.name.clone())),
        _ => None,
    }
}

/// `, used N times: in `a.netpol` (2), `b.netpol` (1)`, or that it is unused.
fn push_uses(analysis: &Analysis, uses: &[Span], text: &mut String) {
    if uses.is_empty() {
        text.push_str(" Not used.");
        return;
    }
    let mut files: Vec<(&str, usize)> = Vec::new();
    for span in uses {
        let path = analysis.sources.path(span.file);
        match files.iter_mut().find(|(seen, _)| *seen == path) {
            Some((_, count)) => *count += 1,
            None => files.push((path, 1)),
        }
    }
    let times = if uses.len() == 1 { "once" } else { "times" };
    let count = if uses.len() == 1 {
        String::new()
    } else {
        format!("{} ", uses.len())
    };
    let listed: Vec<String> = files
        .iter()
        .map(|(path, count)| format!("`{path}` ({count})"))
        .collect();
    let _ = write!(text, " Used {count}{times}: {}.", listed.join(", "));
}

/// Why a hover has no YAML.
fn no_yaml(analysis: &Analysis) -> String {
    if crate::diag::has_errors(&analysis.diagnostics) {
        ": no YAML while the repository has errors.".to_owned()
    } else {
        ": nothing is emitted for it.".to_owned()
    }
}

fn fenced(doc: &Document<'_>) -> String {
    format!("```yaml\n{}```", doc.text)
}

/// `path:line:column`, counted from 1.
pub(super) fn location(analysis: &Analysis, span: Span) -> String {
    let text = analysis
        .sources
        .get(span.file)
        .and_then(|file| file.text.get(..span.start as usize))
        .unwrap_or("");
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("`{}:{line}:{column}`", analysis.sources.path(span.file))
}

/// A value as written, cut after [`VALUE_LINES`] lines or [`VALUE_BYTES`].
fn shorten(text: &str) -> String {
    let mut end = text.len().min(VALUE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if let Some((at, _)) = text.match_indices('\n').nth(VALUE_LINES - 1) {
        end = end.min(at);
    }
    match text.get(..end) {
        Some(kept) if end < text.len() => format!("{kept} …"),
        _ => text.to_owned(),
    }
}

/// The `#` comment lines right above an item, without their `#`.
fn doc_comment(analysis: &Analysis, item: Span) -> String {
    let before = analysis
        .sources
        .get(item.file)
        .and_then(|file| file.text.get(..item.start as usize))
        .unwrap_or("");
    // The item's own line up to the item: only indentation.
    let Some(above) = before.rfind('\n').and_then(|at| before.get(..at)) else {
        return String::new();
    };
    let mut lines: Vec<&str> = Vec::new();
    for line in above.rsplit('\n') {
        // `#` and `##` alike.
        let line = line.trim();
        if !line.starts_with('#') {
            break;
        }
        let comment = line.trim_start_matches('#');
        lines.push(comment.strip_prefix(' ').unwrap_or(comment));
    }
    lines.reverse();
    lines.join("\n").trim().to_owned()
}

fn ast_category(analysis: &Analysis, name: Span) -> Option<&ast::Category> {
    analysis
        .file(name.file)?
        .items
        .iter()
        .find_map(|item| match item {
            ast::Item::Category(category) if category.name.span == name => Some(category),
            _ => None,
        })
}

fn ast_param(analysis: &Analysis, name: Span) -> Option<&ast::Param> {
    analysis
        .file(name.file)?
        .items
        .iter()
        .find_map(|item| match item {
            ast::Item::Category(category) => {
                category.params.iter().find(|param| param.name.span == name)
            }
            _ => None,
        })
}

/// `name: type = default`, as written.
fn param_text(analysis: &Analysis, param: &ast::Param) -> String {
    let mut text = format!(
        "{}: {}",
        param.name.node,
        analysis.sources.slice(param.ty.span)
    );
    if let Some(default) = &param.default {
        let _ = write!(text, " = {}", analysis.sources.slice(default.span()));
    }
    text
}
