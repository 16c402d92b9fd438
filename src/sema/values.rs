//! Values: literals and `$NAME`s to validated values (E0101, E0105, E02xx).
//!
//! A value is evaluated where it is used, against the type its slot
//! expects. Constants are evaluated once, in the scope of the file that
//! defines them, and cached; category parameters are bound to values that
//! were already checked against the parameter's type.

mod groups;
mod selectors;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

use super::resolve::Defs;
use super::suggest;
use super::types::Ty;
use super::validate;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::hash::{HashMap, HashMapExt};
use crate::ir;
use crate::source::{FileId, Span};

/// A checked value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    /// One CIDR.
    Cidr(IpNet),
    /// CIDRs.
    Cidrs(Vec<IpNet>),
    /// One port.
    Port(ir::PortSpec),
    /// Ports.
    Ports(Vec<ir::PortSpec>),
    /// A string.
    Str(String),
    /// Strings.
    Strs(Vec<String>),
    /// A selector.
    Selector(ir::Selector),
    /// A bare name.
    Word(String),
    /// `[]`.
    Empty,
    /// CIDRs of a constant emitted as a CiliumCIDRGroup: peers refer to the
    /// group by name. In a list it is just its CIDRs.
    CidrGroup(CidrGroupVal),
}

/// A CIDR constant that is a CiliumCIDRGroup.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CidrGroupVal {
    /// The group's object name.
    pub name: ir::CidrGroupName,
    /// Its CIDRs.
    pub cidrs: Vec<IpNet>,
    /// Its labels (`label k=v, ...`).
    pub labels: std::collections::BTreeMap<ir::LabelKey, ir::LabelValue>,
    /// The constant's name in its definition.
    pub def_span: Span,
}

impl Val {
    /// How many elements a list holds; 1 for a single value, 0 for `[]`.
    pub fn element_count(&self) -> usize {
        match self {
            Val::Cidrs(cidrs) => cidrs.len(),
            Val::Ports(ports) => ports.len(),
            Val::Strs(texts) => texts.len(),
            Val::CidrGroup(group) => group.cidrs.len(),
            Val::Empty => 0,
            Val::Cidr(_) | Val::Port(_) | Val::Str(_) | Val::Selector(_) | Val::Word(_) => 1,
        }
    }

    /// The value's type.
    pub fn ty(&self) -> Ty {
        match self {
            Val::Cidr(_) => Ty::Cidr,
            Val::Cidrs(_) => Ty::Cidrs,
            Val::Port(_) => Ty::Port,
            Val::Ports(_) => Ty::Ports,
            Val::Str(_) => Ty::String,
            Val::Strs(_) => Ty::Strings,
            Val::Selector(_) => Ty::Selector,
            Val::Word(_) => Ty::Name,
            Val::Empty => Ty::EmptyList,
            Val::CidrGroup(_) => Ty::Cidrs,
        }
    }
}

/// A category parameter bound to a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bound {
    /// The value.
    pub val: Val,
    /// The parameter's declaration.
    pub decl_span: Span,
    /// The argument that gave the value, when it was not the default.
    pub arg_span: Option<Span>,
    /// The parameter's default is `[]`: the category says that an empty
    /// list leaves a `port` clause out (`allow_storage`'s `ports`: every
    /// port), so E0214 does not apply to it.
    pub empty_is_absent: bool,
}

/// Parameters in scope inside a category body.
pub type Params = BTreeMap<String, Bound>;

/// Where `$NAME`s are looked up.
#[derive(Clone, Copy)]
pub struct Env<'p> {
    /// The file whose constants and imports are visible.
    pub file: FileId,
    /// Parameters of the category being expanded.
    pub params: Option<&'p Params>,
}

/// A constant's value (`None` after an error, already reported) and the
/// files its evaluation used.
type CachedConst = (Option<Val>, Vec<FileId>);

/// Evaluates values, caching constants.
pub struct Evaluator<'a> {
    defs: &'a Defs<'a>,
    cache: HashMap<(FileId, &'a str), CachedConst>,
    /// Every file whose constants were used, with repeats (but each
    /// constant's files once): the expander takes the sources of each
    /// output file from it.
    pub files: Vec<FileId>,
    /// The CIDR groups peers refer to, by name.
    pub groups: std::collections::BTreeMap<ir::CidrGroupName, ir::CidrGroup>,
    in_progress: Vec<(FileId, &'a str)>,
    /// The HTTP regexps already checked and found valid
    /// ([`super::validate::http_regex`]).
    pub valid_regexes: crate::hash::HashSet<String>,
}

/// What a value was, for messages: the `$NAME` and where it is defined.
struct Described {
    val: Val,
    name: Option<String>,
    def_span: Option<Span>,
}

impl<'a> Evaluator<'a> {
    /// A fresh evaluator.
    pub fn new(defs: &'a Defs<'a>) -> Evaluator<'a> {
        Evaluator {
            defs,
            cache: HashMap::new(),
            files: Vec::new(),
            groups: std::collections::BTreeMap::new(),
            in_progress: Vec::new(),
            valid_regexes: crate::hash::HashSet::default(),
        }
    }

    /// Evaluates a value and checks it fits `expected`.
    pub fn expect(
        &mut self,
        value: &ast::Value,
        expected: Ty,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Val> {
        let described = self.eval(value, env, Some(expected), diags)?;
        if described.val.ty().fits(expected) {
            return Some(described.val);
        }
        let found = described.val.ty();
        let what = match &described.name {
            Some(name) => format!("{} `${name}`", found.describe()),
            None => found.describe().to_owned(),
        };
        let wanted = expected.describe_slot();
        let mut diag = report::wrong_type(
            value.span(),
            report::WrongType::Expected {
                wanted: &wanted,
                what: &what,
            },
        )
        .label(format!("expected {wanted}"));
        if let (Some(name), Some(def_span)) = (&described.name, described.def_span) {
            diag = diag.secondary(
                def_span,
                format!("`{name}` is defined here as {}", found.describe()),
            );
        }
        diags.push(diag);
        None
    }

    /// Evaluates to CIDRs (one or a list).
    pub fn cidrs(
        &mut self,
        value: &ast::Value,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<IpNet>> {
        match self.expect(value, Ty::Cidrs, env, diags)? {
            Val::Cidr(cidr) => Some(vec![cidr]),
            Val::Cidrs(cidrs) => Some(cidrs),
            Val::CidrGroup(group) => Some(group.cidrs),
            _ => Some(Vec::new()),
        }
    }

    /// Evaluates to ports (one or a list).
    pub fn ports(
        &mut self,
        value: &ast::Value,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<ir::PortSpec>> {
        match self.expect(value, Ty::Ports, env, diags)? {
            Val::Port(port) => Some(vec![port]),
            Val::Ports(ports) => Some(ports),
            _ => Some(Vec::new()),
        }
    }

    /// Evaluates to strings (one or a list).
    pub fn strings(
        &mut self,
        value: &ast::Value,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<String>> {
        match self.expect(value, Ty::Strings, env, diags)? {
            Val::Str(text) | Val::Word(text) => Some(vec![text]),
            Val::Strs(texts) => Some(texts),
            _ => Some(Vec::new()),
        }
    }

    /// Evaluates to one string.
    pub fn string(
        &mut self,
        value: &ast::Value,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        match self.expect(value, Ty::String, env, diags)? {
            Val::Str(text) | Val::Word(text) => Some(text),
            _ => None,
        }
    }

    fn eval(
        &mut self,
        value: &ast::Value,
        env: Env<'_>,
        expected: Option<Ty>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Described> {
        let plain = |val: Val| {
            Some(Described {
                val,
                name: None,
                def_span: None,
            })
        };
        match value {
            ast::Value::Ref(name) => self.reference(name, env, diags),
            ast::Value::Cidr(text) => {
                plain(Val::Cidr(validate::cidr(&text.node, text.span, diags)?))
            }
            ast::Value::Port(port) => plain(Val::Port(validate::port(port, diags)?)),
            ast::Value::String(text) => plain(Val::Str(text.node.clone())),
            ast::Value::Word(text) => plain(Val::Word(text.node.clone())),
            ast::Value::Selector(selector) => {
                plain(Val::Selector(self.selector(selector, env, diags)?))
            }
            ast::Value::List(items, span) => {
                let element = expected.map(|ty| match ty {
                    Ty::Cidrs => Ty::Cidr,
                    Ty::Ports => Ty::Port,
                    Ty::Strings => Ty::String,
                    other => other,
                });
                plain(self.list(items, *span, env, element, diags)?)
            }
        }
    }

    fn list(
        &mut self,
        items: &[ast::Value],
        span: Span,
        env: Env<'_>,
        element: Option<Ty>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Val> {
        let mut out = Val::Empty;
        let mut first: Option<(Ty, Span)> = None;
        let mut ok = true;
        for item in items {
            let Some(described) = self.eval(item, env, element, diags) else {
                ok = false;
                continue;
            };
            let ty = described.val.ty();
            let element = match described.val {
                Val::CidrGroup(group) => Val::Cidrs(group.cidrs),
                other => other,
            };
            let merged = match (std::mem::replace(&mut out, Val::Empty), element) {
                (Val::Empty, Val::Cidr(c)) => Some(Val::Cidrs(vec![c])),
                (Val::Empty, Val::Port(p)) => Some(Val::Ports(vec![p])),
                (Val::Empty, Val::Str(s) | Val::Word(s)) => Some(Val::Strs(vec![s])),
                (Val::Empty, Val::Empty) => Some(Val::Empty),
                (Val::Empty, list @ (Val::Cidrs(_) | Val::Ports(_) | Val::Strs(_))) => Some(list),
                (Val::Cidrs(mut all), Val::Cidr(c)) => {
                    all.push(c);
                    Some(Val::Cidrs(all))
                }
                (Val::Cidrs(mut all), Val::Cidrs(more)) => {
                    all.extend(more);
                    Some(Val::Cidrs(all))
                }
                (Val::Ports(mut all), Val::Port(p)) => {
                    all.push(p);
                    Some(Val::Ports(all))
                }
                (Val::Ports(mut all), Val::Ports(more)) => {
                    all.extend(more);
                    Some(Val::Ports(all))
                }
                (Val::Strs(mut all), Val::Str(s) | Val::Word(s)) => {
                    all.push(s);
                    Some(Val::Strs(all))
                }
                (Val::Strs(mut all), Val::Strs(more)) => {
                    all.extend(more);
                    Some(Val::Strs(all))
                }
                (previous, Val::Empty) => Some(previous),
                (previous, _) => {
                    out = previous;
                    None
                }
            };
            match merged {
                Some(val) if val.element_count() > MAX_LIST_ELEMENTS => {
                    diags.push(list_too_long(item.span()));
                    return None;
                }
                Some(val) => {
                    out = val;
                    if first.is_none() && ty != Ty::EmptyList {
                        first = Some((ty, item.span()));
                    }
                }
                None => {
                    let mut diag = report::mixed_list(
                        item.span(),
                        &first.map_or("values", |(ty, _)| ty.describe()),
                        &ty.describe(),
                    )
                    .label(format!("{} here", ty.describe()))
                    .help("split the list into one list per type");
                    if let Some((first_ty, first_span)) = first {
                        diag = diag.secondary(
                            first_span,
                            format!("the list starts with {}", first_ty.describe()),
                        );
                    }
                    if matches!(ty, Ty::Selector) {
                        diag = diag.note("a selector cannot be a list element");
                    }
                    diags.push(diag);
                    ok = false;
                }
            }
        }
        let _ = span;
        ok.then_some(out)
    }

    fn reference(
        &mut self,
        name: &crate::source::Spanned<String>,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Described> {
        if let Some(bound) = env.params.and_then(|params| params.get(&name.node)) {
            return Some(Described {
                val: bound.val.clone(),
                name: Some(name.node.clone()),
                def_span: Some(bound.decl_span),
            });
        }
        let Some((file, def)) = self.defs.constant(env.file, &name.node) else {
            let mut candidates = self.defs.constant_names(env.file);
            if let Some(params) = env.params {
                candidates.extend(params.keys().map(String::as_str));
            }
            let diag = report::unknown_constant(name.span, &name.node);
            let diag = match self.defs.constant_elsewhere(env.file, &name.node) {
                Some((def_span, import)) => diag
                    .secondary(
                        def_span,
                        format!(
                            "`{}` is defined here, in a file this one does not import",
                            name.node
                        ),
                    )
                    .help(format!("add `{import}` at the top of this file"))
                    .suggest(
                        Span::new(env.file, 0, 0),
                        format!("{import}\n"),
                        format!("Add `{import}`"),
                    ),
                None => suggest::did_you_mean_at(diag, name.span, &name.node, candidates, |best| {
                    format!("${best}")
                }),
            };
            diags.push(diag.note("a file sees its own constants, those of the files it imports, and the standard library's"));
            return None;
        };
        let key = (file, def.name.node.as_str());
        if let Some((cached, files)) = self.cache.get(&key) {
            self.files.extend(files.iter().copied());
            return cached.clone().map(|val| Described {
                val,
                name: Some(name.node.clone()),
                def_span: Some(def.name.span),
            });
        }
        if self.in_progress.len() >= MAX_DEPTH {
            diags.push(too_deep(name.span, "constants", &name.node));
            return None;
        }
        if self.in_progress.contains(&key) {
            diags.push(
                report::definition_cycle(
                    name.span,
                    report::DefinitionCycle::Constant { name: &name.node },
                )
                .secondary(def.name.span, format!("`{}` is defined here", name.node))
                .help("give the constant a value that does not refer back to it"),
            );
            return None;
        }
        self.in_progress.push(key);
        let start = self.files.len();
        self.files.push(file);
        let val = self
            .eval(&def.value, Env { file, params: None }, None, diags)
            .and_then(|described| self.as_group(def, file, described.val, diags));
        self.in_progress.pop();
        // Each file once: with repeats, a constant that refers to another
        // twice would record twice its files, and a chain of them 2ⁿ.
        let mut files = self.files.get(start..).unwrap_or(&[]).to_vec();
        files.sort_unstable();
        files.dedup();
        self.files.truncate(start);
        self.files.extend(files.iter().copied());
        self.cache.insert(key, (val.clone(), files));
        val.map(|val| Described {
            val,
            name: Some(name.node.clone()),
            def_span: Some(def.name.span),
        })
    }
}

impl<'a> Evaluator<'a> {
    /// Checks the value of every constant where it is defined, whether or not
    /// anything uses it: `const IPS = [10.0.0.300/33]` is an error even when
    /// unused. Constants already evaluated are not checked (or reported)
    /// again, and the files this reads are not counted as sources of output.
    pub fn check_definitions(&mut self, diags: &mut Vec<Diagnostic>) {
        let mark = self.files.len();
        for (file, def) in self.defs.all_constants() {
            if self.cache.contains_key(&(file, def.name.node.as_str())) {
                continue;
            }
            let _ = self.reference(&def.name, Env { file, params: None }, diags);
        }
        self.files.truncate(mark);
    }

    /// The type of every constant evaluated so far (`None` after an error),
    /// by defining file and name, for the name index.
    pub fn constant_types(&self) -> super::index::ConstTypes {
        self.cache
            .iter()
            .map(|((file, name), (val, _))| {
                ((*file, (*name).to_owned()), val.as_ref().map(Val::ty))
            })
            .collect()
    }
}

/// How deep constants may refer to constants, and categories use
/// categories: far beyond any real repository, far below the stack's limit.
pub const MAX_DEPTH: usize = 100;

/// E0107: a chain of definitions deeper than [`MAX_DEPTH`].
pub fn too_deep(span: Span, what: &str, name: &str) -> Diagnostic {
    report::nested_too_deeply(span, &what, &MAX_DEPTH)
        .label(format!(
            "`{name}` is {MAX_DEPTH} levels down a chain of {what}"
        ))
        .note("each constant or category may refer to others, but not in a chain this long")
        .help("flatten the chain: refer to the values directly")
}

/// The most elements one list may hold once its constants are expanded
/// (E0108). One Kubernetes object is at most about 1.5 MiB (etcd's default
/// request limit), and no list entry takes less than about 12 bytes of
/// YAML, so no policy could carry a longer list anyway; the largest real
/// lists, such as a cloud provider's published IP ranges, hold a few
/// thousand. The limit stops a file of a few hundred bytes whose constants
/// each repeat the one before (`const C1 = [$C0, $C0]`, 24 levels deep)
/// from building a list of 2²⁴ elements.
pub const MAX_LIST_ELEMENTS: usize = 100_000;

/// E0108 for a list that passes [`MAX_LIST_ELEMENTS`] at `span`.
fn list_too_long(span: Span) -> Diagnostic {
    report::budget_exceeded(
        span,
        report::BudgetExceeded::ListElements {
            limit: &MAX_LIST_ELEMENTS,
        },
    )
    .label(format!(
        "the list passes {MAX_LIST_ELEMENTS} elements with this item"
    ))
    .note(format!(
        "a list, with the constants in it expanded, may hold at most {MAX_LIST_ELEMENTS} elements"
    ))
    .help("look for constants that repeat other constants: each repetition doubles the list")
}

/// E0108 at `span` when `cidrs` CIDRs, each given the same `excepts`
/// exceptions, pass [`super::expand::MAX_POLICY_ENTRIES`] entries. Every
/// CIDR carries every exception, so two lists of 100,000 would otherwise
/// build 10¹⁰ entries.
pub fn exceptions_over_budget(cidrs: usize, excepts: usize, span: Span) -> Option<Diagnostic> {
    let limit = super::expand::MAX_POLICY_ENTRIES;
    let entries = cidrs.saturating_mul(excepts.saturating_add(1));
    (entries > limit).then(|| {
        report::budget_exceeded(span, report::BudgetExceeded::CidrExceptions { cidrs: &cidrs, excepts: &excepts, entries: &entries, limit: &limit })
        .note(format!("a policy may hold at most {limit} entries: each CIDR counts 1, plus 1 for each of its exceptions"))
        .help("give the exceptions only to the CIDRs that contain them, in a rule of their own")
    })
}

/// Parses a CIDR or IP literal; a bare IP is a host route.
pub fn parse_cidr(text: &str) -> Option<IpNet> {
    if text.contains('/') {
        IpNet::from_str(text).ok()
    } else {
        IpAddr::from_str(text).ok().map(IpNet::from)
    }
}
