//! layout: the text of each file of the imported repository, with the
//! comments that say where everything came from.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::consts::{Constant, Consts};
use super::dedup::Shared;
use super::model::{CidrGroup, Origin};
use super::print::{self, PolicyText};
use super::repo::{Placed, Prepared, uses_constants};
use crate::emit::OutputFile;
use crate::sema::SYSTEM_NAMESPACES;

/// The files being written.
pub struct Layout {
    /// The files, in the order they were laid out.
    pub files: Vec<OutputFile>,
    /// The policy blocks, in print order.
    pub origins: Vec<Placed>,
}

impl Layout {
    /// Prints a policy block into `text` and records where it came from.
    fn policy(
        &mut self,
        path: &str,
        text: &mut String,
        indent: usize,
        policy: &PolicyText<'_>,
        origins: Vec<String>,
        consts: &Consts,
    ) {
        print::policy(text, indent, policy, consts);
        self.origins.push(Placed {
            path: path.to_owned(),
            origins,
        });
    }

    /// `categories.netpol`.
    pub fn categories(
        &mut self,
        categories: &[Shared],
        namespaces: &BTreeMap<String, Vec<Prepared>>,
        consts: &Consts,
    ) {
        if categories.is_empty() {
            return;
        }
        let path = "categories.netpol";
        let mut text = "# Categories: policies that `netpolc import` found the same in several\n# namespaces, written once. Each namespace uses its category.\n".to_owned();
        // Each member namespace's policies that the category holds.
        let members = |category: &Shared| -> Vec<Vec<&Prepared>> {
            category
                .namespaces
                .iter()
                .filter_map(|member| namespaces.get(member))
                .map(|list| {
                    list.iter()
                        .filter(|policy| category.policies.contains(&policy.name))
                        .collect()
                })
                .collect()
        };
        if uses_constants(
            categories
                .iter()
                .flat_map(|category| members(category).into_iter().flatten()),
            consts,
        ) {
            text.push_str("\nimport \"constants.netpol\"\n");
        }
        for category in categories {
            let name = &category.name;
            let lists = members(category);
            let _ = if category.whole {
                write!(
                    text,
                    "\n## The policies of the namespaces {}.\ncategory {name} {{\n",
                    quoted_list(&category.namespaces)
                )
            } else {
                write!(
                    text,
                    "\n## The policy {} of the namespaces {}.\ncategory {name} {{\n",
                    quoted_list(&category.policies),
                    quoted_list(&category.namespaces)
                )
            };
            let Some(first) = lists.first() else {
                continue;
            };
            for (index, policy) in first.iter().enumerate() {
                if index > 0 {
                    text.push('\n');
                }
                let members: Vec<&Origin> = lists
                    .iter()
                    .filter_map(|list| list.get(index))
                    .map(|policy| &policy.origin)
                    .collect();
                let comments = vec![format!("From {}.", describe_origins(&members))];
                let origins = members.iter().map(|origin| origin.describe()).collect();
                let mut shown = policy.text();
                shown.comments = &comments;
                self.policy(path, &mut text, 2, &shown, origins, consts);
            }
            text.push_str("}\n");
        }
        self.push(path, text);
    }

    /// `cluster.netpol`.
    pub fn cluster(&mut self, cluster: &[Prepared], consts: &Consts) {
        if cluster.is_empty() {
            return;
        }
        let path = "cluster.netpol";
        let mut text = format!(
            "# Cluster-wide policies, imported by `netpolc import` from:\n{}",
            source_list(cluster)
        );
        if uses_constants(cluster.iter(), consts) {
            text.push_str("\nimport \"constants.netpol\"\n");
        }
        for policy in cluster {
            text.push('\n');
            self.policy(
                path,
                &mut text,
                0,
                &policy.text(),
                vec![policy.origin.describe()],
                consts,
            );
        }
        self.push(path, text);
    }

    /// `constants.netpol`: the CIDR groups, then the shared literals.
    pub fn constants(&mut self, groups: &[CidrGroup], constants: &[Constant]) {
        if groups.is_empty() && constants.is_empty() {
            return;
        }
        let mut text = match (groups.is_empty(), constants.is_empty()) {
            (false, false) => "# Constants: the CiliumCIDRGroups the imported policies name, and the CIDRs\n# and FQDNs that `netpolc import` found in two or more places. Change one\n# here and every policy that uses it follows.\n",
            (false, true) => "# Constants: the CiliumCIDRGroups the imported policies name. Change one\n# here and every policy that uses it follows.\n",
            _ => "# Constants: the CIDRs and FQDNs that `netpolc import` found in two or more\n# places. Change one here and every policy that uses it follows.\n",
        }
        .to_owned();
        for group in groups {
            let _ = write!(
                text,
                "\n## The CiliumCIDRGroup `{}`, from {}.\nconst {} = group [{}]",
                group.name,
                group.origin.describe(),
                CidrGroup::constant(&group.name),
                group.cidrs.join(", ")
            );
            if !group.labels.is_empty() {
                let labels: Vec<String> = group
                    .labels
                    .iter()
                    .map(|(key, value)| format!("{key}={}", super::selectors::label_value(value)))
                    .collect();
                let _ = write!(text, " label {}", labels.join(", "));
            }
            text.push('\n');
        }
        for constant in constants {
            text.push('\n');
            text.push_str(&doc_comment(&format!(
                "Used by {}.",
                constant.used_by.join(", ")
            )));
            let _ = writeln!(text, "const {} = {}", constant.name, constant.value);
        }
        self.push("constants.netpol", text);
    }

    /// `namespaces/<namespace>.netpol`.
    pub fn namespace(
        &mut self,
        namespace: &str,
        list: &[Prepared],
        categories: &[&Shared],
        consts: &Consts,
    ) {
        let path = format!("namespaces/{namespace}.netpol");
        let mut text = format!(
            "# Namespace `{namespace}`, imported by `netpolc import` from:\n{}\n",
            source_list(list)
        );
        let shared = |policy: &Prepared| {
            categories
                .iter()
                .any(|category| category.policies.contains(&policy.name))
        };
        let own: Vec<&Prepared> = list.iter().filter(|policy| !shared(policy)).collect();
        if !categories.is_empty() {
            text.push_str("import \"../categories.netpol\"\n");
        }
        if uses_constants(own.iter().copied(), consts) {
            text.push_str("import \"../constants.netpol\"\n");
        }
        if !categories.is_empty() || uses_constants(own.iter().copied(), consts) {
            text.push('\n');
        }
        let system = if SYSTEM_NAMESPACES.contains(&namespace) {
            "system "
        } else {
            ""
        };
        let _ = writeln!(text, "{system}namespace {namespace} {{");
        for category in categories {
            let _ = writeln!(
                text,
                "  # The {} {}.\n  use {}",
                if category.policies.len() == 1 {
                    "policy"
                } else {
                    "policies"
                },
                quoted_list(&category.policies),
                category.name
            );
        }
        for (index, policy) in own.into_iter().enumerate() {
            if index > 0 || !categories.is_empty() {
                text.push('\n');
            }
            self.policy(
                &path,
                &mut text,
                2,
                &policy.text(),
                vec![policy.origin.describe()],
                consts,
            );
        }
        text.push_str("}\n");
        self.push(&path, text);
    }

    fn push(&mut self, path: &str, contents: String) {
        self.files.push(OutputFile {
            path: path.to_owned(),
            contents,
        });
    }
}

/// Input documents, grouped by file: ``documents 1 and 3 of `a.yaml`, `b.yaml` ``.
fn describe_origins(origins: &[&Origin]) -> String {
    let mut files: Vec<(&str, Vec<&Origin>)> = Vec::new();
    for origin in origins {
        match files.iter_mut().find(|(file, _)| *file == origin.file) {
            Some((_, list)) => list.push(origin),
            None => files.push((&origin.file, vec![origin])),
        }
    }
    let parts: Vec<String> = files
        .iter()
        .map(|(file, list)| match list.as_slice() {
            [one] => one.describe(),
            many => {
                let numbers: Vec<String> = many
                    .iter()
                    .map(|origin| origin.document.to_string())
                    .collect();
                format!(
                    "documents {} of `{file}`",
                    quoted_list(&numbers).replace('`', "")
                )
            }
        })
        .collect();
    parts.join(", ")
}

/// `## ` doc comment lines holding `text`, wrapped at 80 columns.
fn doc_comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("##");
    for word in text.split(' ') {
        if line.len() > 2 && line.len() + 1 + word.len() > 80 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("##");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// `# - file` lines, one per input file of the policies.
fn source_list(policies: &[Prepared]) -> String {
    let files: BTreeSet<&str> = policies
        .iter()
        .map(|policy| policy.origin.file.as_str())
        .collect();
    // Input file names come from whoever wrote the YAML: escaped, so a name
    // with a line break cannot add a statement to the imported repository.
    files
        .iter()
        .map(|file| format!("# - {}\n", crate::emit::escape_comment(file)))
        .collect()
}

/// `` `a`, `b` and `c` ``.
fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|item| format!("`{}`", item.as_ref()))
        .collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
