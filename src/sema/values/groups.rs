//! CIDR constants that are CiliumCIDRGroups: naming a group after its
//! constant (E0206) and registering the groups peers refer to (E0103).

use super::{CidrGroupVal, Evaluator, Val};
use crate::ast;
use crate::diag::{Diagnostic, report};
use crate::ir;
use crate::sema::proof::CHECKED;
use crate::sema::validate;

impl Evaluator<'_> {
    /// Records a CIDR group a peer refers to; two different constants may
    /// not make groups of the same name.
    pub fn register_group(&mut self, group: &CidrGroupVal, diags: &mut Vec<Diagnostic>) {
        match self.groups.get(&group.name) {
            Some(existing) if existing.origin != group.def_span => diags.push(
                report::duplicate_definition(group.def_span, report::DuplicateDefinition::CidrGroup { name: &group.name })
                    .secondary(existing.origin, "and this one")
                    .note("netpolc names a CiliumCIDRGroup after its constant, and group names are cluster-wide")
                    .help("rename one of the constants"),
            ),
            Some(_) => {}
            None => {
                self.groups.insert(
                    group.name.clone(),
                    ir::CidrGroup {
                        cidrs: group.cidrs.clone(),
                        labels: group.labels.clone(),
                        origin: group.def_span,
                    },
                );
            }
        }
    }

    /// A constant's value, as a CIDR group when it is one: marked `group`,
    /// or a CIDR constant in a repository that says `cidr groups`.
    pub(super) fn as_group(
        &mut self,
        def: &ast::ConstDef,
        file: crate::source::FileId,
        val: Val,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Val> {
        let cidrs = match &val {
            Val::Cidr(cidr) => vec![*cidr],
            Val::Cidrs(cidrs) => cidrs.clone(),
            _ if def.group.is_some() => {
                diags.push(
                    report::wrong_type(
                        def.value.span(),
                        report::WrongType::CidrList {
                            found: &val.ty().describe(),
                        },
                    )
                    .secondary(
                        def.group.unwrap_or(def.name.span),
                        "`group` makes this constant a CiliumCIDRGroup",
                    ),
                );
                return None;
            }
            _ => return Some(val),
        };
        if def.group.is_none() && self.defs.cidr_groups.is_none() {
            if let Some(labels) = &def.labels {
                diags.push(report::invalid_group_labels(
                    labels.span,
                    report::InvalidGroupLabels::NotAGroup {
                        name: &def.name.node,
                    },
                ));
                return None;
            }
            return Some(val);
        }
        let mut labels = std::collections::BTreeMap::new();
        if let Some(written) = &def.labels {
            let env = super::Env { file, params: None };
            let selector = self.selector(written, env, diags)?;
            if let Some(key) = selector.keys().find(|key| key.as_str().contains(':')) {
                diags.push(report::invalid_group_labels(
                    written.span,
                    report::InvalidGroupLabels::Source { key: key.as_str() },
                ));
                return None;
            }
            labels = selector.match_labels.into();
        }
        let name = def.name.node.to_ascii_lowercase().replace('_', "-");
        let checked =
            validate::is_dns_subdomain(&name).then(|| ir::CidrGroupName::new(name, CHECKED));
        let (Some(name), false) = (checked, cidrs.is_empty()) else {
            diags.push(
                report::invalid_name(def.name.span, report::InvalidName::ConstantCidrGroup { name: &def.name.node })
                    .label(if cidrs.is_empty() { "an empty CIDR group" } else { "invalid CiliumCIDRGroup name" })
                    .note("netpolc names the group after the constant, in lower case with `-` for `_`: a DNS-1123 subdomain")
                    .help("rename the constant, such as `STORAGE_IPS`, and give it at least one CIDR"),
            );
            return None;
        };
        let group = CidrGroupVal {
            name,
            cidrs,
            labels,
            def_span: def.name.span,
        };
        // A group with labels is there to be selected by them
        // (`cidr groups with ...`): it is written even when no peer names it.
        if !group.labels.is_empty() {
            self.register_group(&group, diags);
        }
        Some(Val::CidrGroup(group))
    }
}
