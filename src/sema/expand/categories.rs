//! `use` of a category: binding its arguments, expanding its body once per
//! argument set (cached), merging it into the policy that uses it, and
//! pointing diagnostics about an argument at the `use` that gave it.

use std::rc::Rc;

use super::parts::Parts;
use super::{CacheKey, Expander, Expansion, Named};
use std::sync::Arc;

use super::super::context::Ctx;
use super::super::proof::CHECKED;
use super::super::resolve::CategoryRef;
use super::super::types::Ty;
use super::super::values::{self, Bound, Env, Params, Val};
use super::super::{sentences, suggest, validate};
use crate::ast;
use crate::diag::{Diagnostic, report};
use crate::ir;
use crate::source::{FileId, Origin, Span};

impl<'a> Expander<'a, '_> {
    /// Expands a `use`, from the cache when it can.
    pub(super) fn use_category(
        &mut self,
        use_stmt: &'a ast::Use,
        env: Env<'_>,
        ctx: &Ctx,
    ) -> Option<Rc<Expansion>> {
        if self.spent {
            return None;
        }
        if use_stmt.sentence.is_some() && use_stmt.name.node.is_empty() {
            // A sentence nobody declares: reported by `sentences`.
            return None;
        }
        let Some(category) = self.defs.category(env.file, &use_stmt.name.node) else {
            let candidates = self.defs.category_names(env.file);
            let diag = report::unknown_category(use_stmt.name.span, &use_stmt.name.node);
            let diag = match sentences::use_help(self.defs, env.file, &use_stmt.name.node) {
                Some(help) => diag.help(help),
                None => suggest::did_you_mean_at(
                    diag,
                    use_stmt.name.span,
                    &use_stmt.name.node,
                    candidates,
                    str::to_owned,
                ),
            };
            self.diags.push(
                diag.note("a file sees its own categories, those of the files it imports, and the standard library's"),
            );
            return None;
        };
        if let Some(index) = self
            .stack
            .iter()
            .position(|(file, span)| *file == category.file && *span == category.def.name.span)
        {
            let cycle: Vec<String> = self
                .stack
                .get(index..)
                .unwrap_or(&[])
                .iter()
                .map(|(file, span)| {
                    format!(
                        "`{}`",
                        self.sources.slice(Span {
                            file: *file,
                            ..*span
                        })
                    )
                })
                .chain(std::iter::once(format!("`{}`", use_stmt.name.node)))
                .collect();
            self.diags.push(
                report::definition_cycle(
                    use_stmt.span,
                    report::DefinitionCycle::Category {
                        name: &use_stmt.name.node,
                    },
                )
                .secondary(category.def.name.span, "the category is defined here")
                .note(format!("the cycle: {}", cycle.join(" → ")))
                .help("remove one `use` of the cycle"),
            );
            return None;
        }
        if self.stack.len() >= values::MAX_DEPTH {
            self.diags.push(values::too_deep(
                use_stmt.span,
                "categories",
                &use_stmt.name.node,
            ));
            return None;
        }
        let params = self.bind_args(category, use_stmt, env)?;
        let args: Vec<(String, Val)> = params
            .iter()
            .map(|(name, bound)| (name.clone(), bound.val.clone()))
            .collect();
        let mut key = CacheKey {
            file: category.file,
            category: category.def.name.span,
            args,
            cluster: matches!(ctx, Ctx::Cluster),
            namespace: None,
        };
        if let Some(hit) = self.cached(&mut key, ctx) {
            self.eval.files.extend(hit.files.iter().copied());
            if hit.namespace_dependent {
                self.namespace_used = true;
            }
            return Some(hit);
        }
        let outer_used = std::mem::replace(&mut self.namespace_used, false);
        let diags_start = self.diags.len();
        let start = self.eval.files.len();
        self.eval.files.push(category.file);
        self.stack.push((category.file, category.def.name.span));
        let inner_env = Env {
            file: category.file,
            params: Some(&params),
        };
        let mut parts = Parts::default();
        let mut policies = Vec::new();
        for item in &category.def.body {
            match item {
                ast::BodyItem::Policy(policy) => {
                    let mut policy_parts = Parts::default();
                    for stmt in &policy.body {
                        self.stmt(stmt, inner_env, ctx, &mut policy_parts);
                    }
                    parts.expects.append(&mut policy_parts.expects);
                    policy_parts.prefix_category(&category.def.name.node);
                    let entries = policy_parts.entries;
                    let name =
                        validate::policy_name(&policy.name.node, policy.name.span, self.diags);
                    if let (Some(name), Some(spec)) =
                        (name, self.finish(policy_parts, ctx, policy.name.span))
                    {
                        policies.push(Named {
                            name,
                            span: policy.span,
                            spec: Arc::new(spec),
                            entries,
                        });
                    }
                }
                ast::BodyItem::Stmt(ast::Stmt::Use(inner)) => {
                    if let Some(expansion) = self.use_category(inner, inner_env, ctx) {
                        self.merge(&mut parts, &expansion.parts, inner);
                        policies.extend(expansion.policies.iter().cloned());
                    }
                }
                ast::BodyItem::Stmt(stmt) => {
                    self.stmt(stmt, inner_env, ctx, &mut parts);
                }
                ast::BodyItem::Expect(stmt) => {
                    // The files whose constants an expectation uses are no
                    // sources of the category's policies.
                    let start = self.eval.files.len();
                    let pending =
                        super::expect::expect(&mut self.eval, stmt, inner_env, self.diags);
                    self.eval.files.truncate(start);
                    parts.expects.extend(pending);
                }
            }
        }
        self.stack.pop();
        self.point_at_use_site(diags_start, use_stmt, &params);
        parts.prefix_category(&category.def.name.node);
        let spec = if parts.touched && matches!(ctx, Ctx::Namespace(_)) {
            self.finish(parts.clone(), ctx, use_stmt.name.span)
                .map(Arc::new)
        } else {
            None
        };
        let mut files: Vec<FileId> = self.eval.files.get(start..).unwrap_or(&[]).to_vec();
        files.sort_unstable();
        files.dedup();
        let namespace_dependent = self.namespace_used;
        self.namespace_used |= outer_used;
        if namespace_dependent {
            if let Ctx::Namespace(name) = ctx {
                key.namespace = Some(name.clone());
            }
        }
        let expansion = Rc::new(Expansion {
            parts,
            spec,
            policies,
            files,
            namespace_dependent,
        });
        self.cache.insert(key, Rc::clone(&expansion));
        Some(expansion)
    }

    /// Merges a used category's parts into `parts` when both budgets allow
    /// it, checked before anything is copied; otherwise reports E0108 (once:
    /// parts already over budget are not reported again) and marks `parts`
    /// broken.
    pub(super) fn merge(&mut self, parts: &mut Parts, other: &Parts, use_stmt: &ast::Use) {
        if other.over_budget {
            parts.over_budget = true;
            parts.broken = true;
            parts.touched = true;
            return;
        }
        if self.within_budget(parts, other.entries, use_stmt.span, "`use`") {
            parts.merge(other, use_stmt.span, self.diags);
        }
    }

    /// The name of the policy a category used at namespace level becomes.
    pub(super) fn category_policy_name(&mut self, use_stmt: &ast::Use) -> Option<ir::PolicyName> {
        let name = &use_stmt.name.node;
        let policy_name = name.replace('_', "-");
        if validate::is_dns_subdomain(&policy_name) {
            return Some(ir::PolicyName::new(policy_name, CHECKED));
        }
        let mut snake = String::new();
        for (index, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && index > 0 && !snake.ends_with('_') {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        self.diags.push(
            report::invalid_name(
                use_stmt.name.span,
                report::InvalidName::CategoryPolicy { name: &name },
            )
            .help(format!(
                "rename the category `{snake}`, or use it inside `policy NAME {{ use {name} }}`"
            )),
        );
        None
    }

    /// Moves diagnostics about an argument's value from the parameter's use
    /// inside the category to the argument, where the user can edit, and
    /// marks the `use` of diagnostics inside the standard library.
    pub(super) fn point_at_use_site(&mut self, start: usize, use_stmt: &ast::Use, params: &Params) {
        let sources = self.sources;
        for diag in self.diags.iter_mut().skip(start) {
            let Some(primary) = &mut diag.primary else {
                continue;
            };
            let text = sources.slice(primary.span);
            let bound = text
                .strip_prefix('$')
                .and_then(|name| params.get(name).map(|bound| (name, bound)));
            if let Some((
                name,
                Bound {
                    arg_span: Some(arg_span),
                    ..
                },
            )) = bound
            {
                let inner = primary.span;
                primary.span = *arg_span;
                diag.secondary.push(crate::diag::Label {
                    span: inner,
                    message: format!(
                        "`${name}` is used here, in category `{}`",
                        use_stmt.name.node
                    ),
                });
            } else if sources
                .get(primary.span.file)
                .is_some_and(|file| file.origin == Origin::Stdlib)
                && !diag
                    .secondary
                    .iter()
                    .any(|label| label.span == use_stmt.span)
            {
                diag.secondary.push(crate::diag::Label {
                    span: use_stmt.span,
                    message: format!("in this use of `{}`", use_stmt.name.node),
                });
            }
        }
    }

    pub(super) fn cached(&self, key: &mut CacheKey, ctx: &Ctx) -> Option<Rc<Expansion>> {
        if let Some(hit) = self.cache.get(key) {
            if !hit.namespace_dependent {
                return Some(Rc::clone(hit));
            }
        }
        if let Ctx::Namespace(name) = ctx {
            key.namespace = Some(name.clone());
            let hit = self.cache.get(key).cloned();
            key.namespace = None;
            return hit;
        }
        None
    }

    /// E0309: a `use` with positional arguments, and the same `use` with
    /// each argument named after the parameter in its position.
    pub(super) fn positional_args(
        &self,
        category: CategoryRef<'a>,
        use_stmt: &ast::Use,
    ) -> Diagnostic {
        let params = &category.def.params;
        let names: Vec<String> = params
            .iter()
            .map(|param| format!("`{}`", param.name.node))
            .collect();
        let first = use_stmt
            .args
            .iter()
            .find(|arg| arg.name.node.is_empty())
            .map_or(use_stmt.span, |arg| arg.value.span());
        let diag = report::positional_argument(first, &use_stmt.name.node)
            .secondary(category.def.name.span, "the category is defined here");
        let diag = if names.is_empty() {
            diag.note(format!("`{}` takes no parameters", category.def.name.node))
        } else {
            diag.note(format!(
                "`{}` takes {}",
                category.def.name.node,
                names.join(", ")
            ))
        };
        if use_stmt.args.len() > params.len() {
            return diag.help(format!(
                "remove the arguments `{}` has no parameter for",
                category.def.name.node
            ));
        }
        let named: Vec<String> = use_stmt
            .args
            .iter()
            .zip(params)
            .map(|(arg, param)| {
                let name = if arg.name.node.is_empty() {
                    &param.name.node
                } else {
                    &arg.name.node
                };
                format!("{name}: {}", self.sources.slice(arg.value.span()))
            })
            .collect();
        let written = format!("use {}({})", use_stmt.name.node, named.join(", "));
        diag.help(format!("write `{written}`")).suggest(
            use_stmt.span,
            written,
            "Name the arguments",
        )
    }

    /// Checks a `use`'s arguments against the category's parameters.
    pub(super) fn bind_args(
        &mut self,
        category: CategoryRef<'a>,
        use_stmt: &ast::Use,
        env: Env<'_>,
    ) -> Option<Params> {
        if use_stmt.args.iter().any(|arg| arg.name.node.is_empty()) {
            self.diags.push(self.positional_args(category, use_stmt));
            return None;
        }
        let mut params = Params::new();
        let mut ok = true;
        // Arguments given with an error: not missing, already reported.
        let mut given_badly: Vec<&str> = Vec::new();
        for arg in &use_stmt.args {
            let Some(param) = category
                .def
                .params
                .iter()
                .find(|param| param.name.node == arg.name.node)
            else {
                let names = category
                    .def
                    .params
                    .iter()
                    .map(|param| param.name.node.as_str());
                let diag = report::unknown_argument(
                    arg.name.span,
                    report::UnknownArgument::NoParameter {
                        category: &category.def.name.node,
                        name: &arg.name.node,
                    },
                )
                .secondary(category.def.name.span, "the category is defined here");
                self.diags.push(suggest::did_you_mean_at(
                    diag,
                    arg.name.span,
                    &arg.name.node,
                    names,
                    str::to_owned,
                ));
                ok = false;
                continue;
            };
            if params.contains_key(&arg.name.node) {
                self.diags.push(report::unknown_argument(
                    arg.name.span,
                    report::UnknownArgument::Twice {
                        category: &arg.name.node,
                    },
                ));
                ok = false;
                continue;
            }
            match self
                .eval
                .expect(&arg.value, Ty::of_param(param.ty.node), env, self.diags)
            {
                Some(val) => {
                    params.insert(
                        arg.name.node.clone(),
                        Bound {
                            val,
                            decl_span: param.name.span,
                            arg_span: Some(arg.value.span()),
                            empty_is_absent: empty_default(param),
                        },
                    );
                }
                None => {
                    given_badly.push(arg.name.node.as_str());
                    ok = false;
                }
            }
        }
        let mut missing = Vec::new();
        for param in &category.def.params {
            if params.contains_key(&param.name.node)
                || given_badly.contains(&param.name.node.as_str())
            {
                continue;
            }
            match &param.default {
                Some(default) => {
                    let default_env = Env {
                        file: category.file,
                        params: None,
                    };
                    match self.eval.expect(
                        default,
                        Ty::of_param(param.ty.node),
                        default_env,
                        self.diags,
                    ) {
                        Some(val) => {
                            params.insert(
                                param.name.node.clone(),
                                Bound {
                                    val,
                                    decl_span: param.name.span,
                                    arg_span: None,
                                    empty_is_absent: empty_default(param),
                                },
                            );
                        }
                        None => ok = false,
                    }
                }
                None => missing.push(param),
            }
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|param| format!("`{}`", param.name.node))
                .collect();
            let example: Vec<String> = missing
                .iter()
                .map(|param| format!("{}: ...", param.name.node))
                .collect();
            let mut diag = report::missing_argument(use_stmt.span, &use_stmt.name.node, &names)
                .help(format!(
                    "write `use {}({})`",
                    use_stmt.name.node,
                    example.join(", ")
                ));
            for param in &missing {
                diag = diag.secondary(
                    param.name.span,
                    format!("`{}` is declared here without a default", param.name.node),
                );
            }
            self.diags.push(diag);
            ok = false;
        }
        ok.then_some(params)
    }
}

/// True for a parameter declared with the default `[]`.
fn empty_default(param: &ast::Param) -> bool {
    matches!(&param.default, Some(ast::Value::List(items, _)) if items.is_empty())
}
