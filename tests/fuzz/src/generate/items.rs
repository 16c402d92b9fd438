//! Items and bodies: categories, namespaces, cluster policies, `policy`
//! blocks and the statements of a policy body.

use arbitrary::Result;

use super::pools::{OTHER_NAMESPACES, STDLIB_USES, STRINGS, TYPES};
use super::{Category, Gen, Place};

impl Gen<'_, '_> {
    /// `use NAME[(args)]`: a standard library or user category.
    /// `in_policy`: inside a `policy` block, where categories that define
    /// policies are refused.
    pub(super) fn use_statement(&mut self, in_policy: bool) -> Result<String> {
        let slip = self.slip()?;
        let usable: Vec<usize> = self
            .categories
            .iter()
            .enumerate()
            .filter(|(_, category)| slip || !in_policy || !category.policies)
            .map(|(index, _)| index)
            .collect();
        if usable.is_empty() || self.u.ratio(1, 2)? {
            return Ok(format!("use {}", self.pick(STDLIB_USES)?));
        }
        let index = *self.u.choose(&usable)?;
        let (name, params) = match self.categories.get(index) {
            Some(category) => (category.name.clone(), category.params.clone()),
            None => return Ok("use allow_dns".to_owned()),
        };
        let mut args = Vec::new();
        for (param, ty, has_default) in params {
            if has_default && self.u.ratio(1, 2)? || self.slip()? {
                continue;
            }
            let ty = if self.slip()? {
                *self.u.choose(TYPES)?
            } else {
                ty
            };
            args.push(format!("{param}: {}", self.value(ty)?));
        }
        if args.is_empty() {
            return Ok(format!("use {name}"));
        }
        Ok(format!("use {name}({})", args.join(", ")))
    }

    /// A statement of a policy body other than `select` and rules.
    pub(super) fn extra(&mut self, in_policy: bool) -> Result<String> {
        Ok(match self.u.int_in_range(0..=5)? {
            0 => format!("description {}", self.string(STRINGS)?),
            1 => format!("label {}", self.label()?),
            2 => format!(
                "default deny {}",
                self.u.choose(&["ingress", "egress", "ingress, egress"])?
            ),
            3 => format!(
                "no default deny {}",
                self.u.choose(&["ingress", "egress", "egress, ingress"])?
            ),
            _ => self.use_statement(in_policy)?,
        })
    }

    /// The lines of a policy body: a rule, then rules and now and then
    /// another statement. `in_policy` as for [`Gen::use_statement`].
    pub(super) fn policy_body(
        &mut self,
        place: Place,
        in_policy: bool,
        indent: &str,
    ) -> Result<String> {
        let mut body = format!("{indent}{}\n", self.rule(place)?);
        for _ in 0..self.u.int_in_range(0..=3)? {
            let item = if self.u.ratio(1, 3)? {
                self.extra(in_policy)?
            } else {
                self.rule(place)?
            };
            body.push_str(&format!("{indent}{item}\n"));
        }
        Ok(body)
    }

    /// `select ...` for a namespace policy.
    pub(super) fn namespace_subject(&mut self) -> Result<String> {
        if self.slip()? {
            return Ok(self
                .u
                .choose(&["all nodes", "nodes role=x", "pods app=a in all namespaces"])?
                .to_string());
        }
        Ok(if self.u.ratio(1, 5)? {
            "pods".to_owned()
        } else {
            format!("pods {}", self.selector()?)
        })
    }

    /// A `policy NAME { ... }` block of a namespace or category.
    pub(super) fn policy_block(&mut self) -> Result<String> {
        let name = self.fresh("p");
        let mut block = format!("  policy {name} {{\n");
        if self.u.ratio(4, 5)? {
            block.push_str(&format!("    select {}\n", self.namespace_subject()?));
        }
        block.push_str(&self.policy_body(Place::Namespace, true, "    ")?);
        block.push_str("  }\n");
        Ok(block)
    }

    /// The body of a namespace or category, and whether it has `policy` blocks.
    pub(super) fn body(&mut self) -> Result<(String, bool)> {
        let mut body = String::new();
        let mut policies = false;
        for _ in 0..self.u.int_in_range(1..=3)? {
            if self.u.ratio(1, 3)? {
                body.push_str(&self.policy_block()?);
                policies = true;
            } else {
                body.push_str(&self.policy_body(Place::Namespace, false, "  ")?);
            }
        }
        Ok((body, policies))
    }

    /// `category NAME(params) { ... }`; its parameters are in scope inside.
    pub(super) fn category(&mut self, index: usize) -> Result<String> {
        let name = format!("cat{index}");
        let outer = self.names.clone();
        let mut params = Vec::new();
        let mut written = Vec::new();
        for position in 0..self.u.int_in_range(0..=3)? {
            let ty = *self.u.choose(TYPES)?;
            let param = format!("p{position}");
            let default = if self.u.ratio(1, 2)? {
                Some(self.value(ty)?)
            } else {
                None
            };
            written.push(match &default {
                Some(value) => format!("{param}: {} = {value}", ty.keyword()),
                None => format!("{param}: {}", ty.keyword()),
            });
            params.push((param.clone(), ty, default.is_some()));
            self.names.push((param, ty));
        }
        let written = if written.is_empty() {
            String::new()
        } else {
            format!("({})", written.join(", "))
        };
        let (body, policies) = self.body()?;
        let text = format!("category {name}{written} {{\n{body}}}\n");
        self.names = outer;
        self.categories.push(Category {
            name,
            params,
            policies,
        });
        Ok(text)
    }

    /// `namespace NAME { ... }`, now and then a system namespace.
    pub(super) fn namespace(&mut self) -> Result<String> {
        let (system, name) = match self.u.int_in_range(0..=30)? {
            29 => ("system ", "kube-system".to_owned()),
            30 => ("", self.pick(OTHER_NAMESPACES)?.to_owned()),
            _ => ("", self.fresh("ns")),
        };
        Ok(format!(
            "{system}namespace {name} {{\n{}}}\n",
            self.body()?.0
        ))
    }

    /// `cluster policy NAME { ... }`.
    pub(super) fn cluster_policy(&mut self) -> Result<String> {
        let name = self.fresh("cp");
        let subject = self.pick((
            &[
                "pods in all namespaces except kube-system",
                "pods app=web in namespaces with team=a",
                "pods in namespace monitoring",
                "all nodes",
                "nodes node-role.kubernetes.io/control-plane=\"\"",
            ],
            &["pods", "pods app=web", "pods in all namespaces"],
        ))?;
        let place = if subject.contains("nodes") {
            Place::Nodes
        } else {
            Place::Cluster
        };
        Ok(format!(
            "cluster policy {name} {{\n  select {subject}\n{}}}\n",
            self.policy_body(place, true, "  ")?
        ))
    }
}
