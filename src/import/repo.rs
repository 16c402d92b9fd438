//! repo: the imported policies as the files of a `.netpol` repository; the
//! text of each file is laid out in `layout.rs`.
//!
//! Files, each only when it has something in it, in this order:
//! `categories.netpol`, `cluster.netpol`, `constants.netpol` and
//! `namespaces/<namespace>.netpol`. Each starts with a comment saying where
//! it came from, and each policy with a comment naming its input document.

use std::collections::BTreeMap;

use super::consts::{self, Consts, Literals};
use super::dedup;
use super::idioms::{self, Use};
use super::layout::Layout;
use super::model::{CidrGroup, Kind, Origin, Peer, Policy, Spec};
use super::print::{self, PolicyText};
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::emit::OutputFile;
use crate::source::SourceMap;

/// The namespace a CNP without `metadata.namespace` goes to.
pub const DEFAULT_NAMESPACE: &str = "default";

/// The repository, with what the summary counts.
#[derive(Debug, Default)]
pub struct Built {
    /// The files, sorted by path.
    pub files: Vec<OutputFile>,
    /// Which input documents each printed policy came from.
    pub origins: Vec<Placed>,
    /// Namespaced policies.
    pub policies: usize,
    /// Cluster-wide policies.
    pub cluster_policies: usize,
    /// Namespaces.
    pub namespaces: usize,
    /// Constants.
    pub constants: usize,
    /// Categories.
    pub categories: usize,
}

/// A printed policy block and the documents it came from. The blocks of a
/// file are recorded in print order, which formatting keeps, so the n-th
/// block of a file is the n-th policy header in it ([`block_starts`]).
#[derive(Clone, Debug)]
pub struct Placed {
    /// The file, relative to the repository.
    pub path: String,
    /// The input documents, described.
    pub origins: Vec<String>,
}

/// One policy, ready to print.
pub struct Prepared {
    /// `metadata.name`.
    pub name: String,
    /// Namespaced or cluster-wide.
    pub kind: Kind,
    /// The rule, without what became `use` statements.
    pub spec: Spec,
    /// The `use` statements.
    pub uses: Vec<Use>,
    /// Comment lines above the block.
    pub comments: Vec<String>,
    /// The input document.
    pub origin: Origin,
}

impl Prepared {
    /// True when a rule names a CIDR group, a constant.
    pub fn names_group(&self) -> bool {
        std::iter::once(&self.spec).chain(&self.spec.rest).any(|spec| {
            spec.ingress.iter().chain(&spec.ingress_deny).chain(&spec.egress).chain(&spec.egress_deny).any(|rule| {
                matches!(&rule.peer, Peer::Cidrs(cidrs) if cidrs.iter().any(|cidr| cidr.group))
            })
        })
    }

    /// The literals the policy writes, its `use` statements' included.
    pub fn literals(&self) -> Literals<'_> {
        consts::literals(&self.spec, &self.uses)
    }

    pub fn text(&self) -> PolicyText<'_> {
        PolicyText {
            keyword: match self.kind {
                Kind::Cnp => "policy",
                Kind::Ccnp => "cluster policy",
            },
            name: &self.name,
            comments: &self.comments,
            spec: &self.spec,
            uses: &self.uses,
            kind: self.kind,
        }
    }
}

/// Refuses two policies of one name in one namespace, or two cluster-wide
/// policies of one name (E0704).
pub fn duplicates(policies: &[Policy], diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(Option<String>, &str), &Origin> = BTreeMap::new();
    for policy in policies {
        let namespace = match policy.kind {
            Kind::Cnp => Some(
                policy
                    .namespace
                    .clone()
                    .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned()),
            ),
            Kind::Ccnp => None,
        };
        let place = namespace.as_ref().map_or_else(
            || "cluster-wide".to_owned(),
            |namespace| format!("in namespace `{namespace}`"),
        );
        match seen.get(&(namespace.clone(), policy.name.as_str())) {
            Some(first) => diags.push(
                report::duplicate_imported_name(report::DuplicateImportedName::Policy { name: &policy.name, place: &place })
                    .note(format!("one is {}, the other {}", first.describe(), policy.origin.describe()))
                    .note("Kubernetes keeps one object per name; the second `kubectl apply` replaces the first")
                    .help("import the two into separate repositories, or rename one (`metadata.name`)"),
            ),
            None => {
                seen.insert((namespace, policy.name.as_str()), &policy.origin);
            }
        }
    }
}

/// The CIDR groups that imported policies name, and how many were left out.
#[derive(Debug, Default)]
pub struct Groups {
    /// The groups some policy names, sorted by name.
    pub used: Vec<CidrGroup>,
    /// How many groups no policy names.
    pub unused: usize,
}

/// Keeps the CIDR groups the policies name and those with labels (a
/// `cidrGroupSelector` may select them); refuses a reference to a group
/// that is not among the inputs (E0701) and two groups of one name (E0704).
pub fn used_groups(
    groups: Vec<CidrGroup>,
    refs: &[(String, String, String)],
    diags: &mut Vec<Diagnostic>,
) -> Groups {
    let mut by_name: BTreeMap<String, CidrGroup> = BTreeMap::new();
    for group in groups {
        if let Some(first) = by_name.get(&group.name) {
            diags.push(
                report::duplicate_imported_name(report::DuplicateImportedName::CidrGroup {
                    name: &group.name,
                })
                .note(format!(
                    "one is {}, the other {}",
                    first.origin.describe(),
                    group.origin.describe()
                ))
                .help("import the two into separate repositories"),
            );
            continue;
        }
        by_name.insert(group.name.clone(), group);
    }
    let mut named = std::collections::BTreeSet::new();
    for (name, path, place) in refs {
        if by_name.contains_key(name) {
            named.insert(name.clone());
        } else {
            diags.push(
                report::unsupported_field(&path, &place)
                    .note(format!("it names the CiliumCIDRGroup `{name}`, which is not among the imported documents; netpolc writes a group as a constant of its CIDRs, so it needs them"))
                    .help(format!("import the CiliumCIDRGroup `{name}` too")),
            );
        }
    }
    let total = by_name.len();
    let used: Vec<CidrGroup> = by_name
        .into_values()
        .filter(|group| named.contains(&group.name) || !group.labels.is_empty())
        .collect();
    Groups {
        unused: total - used.len(),
        used,
    }
}

/// Lays the policies and the CIDR groups they name out as files. The
/// policies have distinct names (see [`duplicates`]).
pub fn build(policies: Vec<Policy>, groups: Vec<CidrGroup>) -> Built {
    let mut namespaces: BTreeMap<String, Vec<Prepared>> = BTreeMap::new();
    let mut cluster: Vec<Prepared> = Vec::new();
    for policy in policies {
        let namespace = match policy.kind {
            Kind::Cnp => Some(
                policy
                    .namespace
                    .clone()
                    .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned()),
            ),
            Kind::Ccnp => None,
        };
        let mut spec = policy.spec;
        let uses = idioms::extract(&mut spec, policy.kind);
        let mut comments = vec![format!("From {}.", policy.origin.describe())];
        if policy.kind == Kind::Cnp && policy.namespace.is_none() {
            comments.push(format!(
                "It has no `metadata.namespace`, so it goes to `{DEFAULT_NAMESPACE}`, where"
            ));
            comments
                .push("`kubectl apply` puts it when the context names no namespace.".to_owned());
        }
        let prepared = Prepared {
            name: policy.name,
            kind: policy.kind,
            spec,
            uses,
            comments,
            origin: policy.origin,
        };
        match namespace {
            Some(namespace) => namespaces.entry(namespace).or_default().push(prepared),
            None => cluster.push(prepared),
        }
    }
    for list in namespaces.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    cluster.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Layout {
        files: Vec::new(),
        origins: Vec::new(),
    };
    let categories = share_namespaces(&namespaces);
    // Each namespace's categories, and the policies they hold for it.
    let mut uses_of: BTreeMap<&str, Vec<&dedup::Shared>> = BTreeMap::new();
    for shared in &categories {
        for member in &shared.namespaces {
            uses_of.entry(member.as_str()).or_default().push(shared);
        }
    }
    let in_category = |namespace: &str, policy: &str| {
        uses_of.get(namespace).is_some_and(|list| {
            list.iter()
                .any(|shared| shared.policies.iter().any(|name| name == policy))
        })
    };
    let mut places = Vec::new();
    for shared in &categories {
        for policy in shared
            .namespaces
            .first()
            .and_then(|first| namespaces.get(first))
            .into_iter()
            .flatten()
            .filter(|policy| shared.policies.contains(&policy.name))
        {
            places.push((
                format!("{} (category `{}`)", policy.name, shared.name),
                policy.name.as_str(),
                policy.literals(),
            ));
        }
    }
    for (namespace, list) in &namespaces {
        places.extend(
            list.iter()
                .filter(|policy| !in_category(namespace, &policy.name))
                .map(|policy| {
                    (
                        format!("{namespace}/{}", policy.name),
                        policy.name.as_str(),
                        policy.literals(),
                    )
                }),
        );
    }
    places.extend(cluster.iter().map(|policy| {
        (
            format!("cluster policy {}", policy.name),
            policy.name.as_str(),
            policy.literals(),
        )
    }));
    let reserved: Vec<String> = groups
        .iter()
        .map(|group| CidrGroup::constant(&group.name))
        .collect();
    let (consts, constants) = consts::choose(&places, &reserved);
    out.categories(&categories, &namespaces, &consts);
    out.cluster(&cluster, &consts);
    out.constants(&groups, &constants);
    for (namespace, list) in &namespaces {
        let used: Vec<&dedup::Shared> =
            uses_of.get(namespace.as_str()).cloned().unwrap_or_default();
        out.namespace(namespace, list, &used, &consts);
    }
    Built {
        files: out.files,
        origins: out.origins,
        policies: namespaces.values().map(Vec::len).sum(),
        cluster_policies: cluster.len(),
        namespaces: namespaces.len(),
        constants: constants.len() + groups.len(),
        categories: categories.len(),
    }
}

/// The categories: namespaces whose policies print the same become one
/// category each; then each policy that prints the same in two or more of
/// the other namespaces becomes a category of its own.
fn share_namespaces(namespaces: &BTreeMap<String, Vec<Prepared>>) -> Vec<dedup::Shared> {
    let none = Consts::default();
    let mut printed = BTreeMap::new();
    let mut names = BTreeMap::new();
    let mut by_policy: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (namespace, list) in namespaces {
        let mut text = String::new();
        for policy in list {
            let mut bare = policy.text();
            bare.comments = &[];
            let mut one = String::new();
            print::policy(&mut one, 0, &bare, &none);
            text.push_str(&one);
            by_policy
                .entry(namespace.clone())
                .or_default()
                .insert(policy.name.clone(), one);
        }
        printed.insert(namespace.clone(), text);
        names.insert(
            namespace.clone(),
            list.iter()
                .map(|policy| policy.name.clone())
                .collect::<Vec<String>>(),
        );
    }
    let mut out: Vec<dedup::Shared> = dedup::categories(&printed, &names)
        .into_iter()
        .map(|(name, members)| dedup::Shared {
            policies: members
                .first()
                .and_then(|first| names.get(first))
                .cloned()
                .unwrap_or_default(),
            name,
            namespaces: members,
            whole: true,
        })
        .collect();
    for shared in &out {
        for member in &shared.namespaces {
            by_policy.remove(member);
        }
    }
    let mut taken = out.iter().map(|shared| shared.name.clone()).collect();
    out.extend(dedup::shared_policies(&by_policy, &mut taken));
    out
}

/// True when any of the policies uses a constant.
pub fn uses_constants<'a>(
    mut policies: impl Iterator<Item = &'a Prepared>,
    consts: &Consts,
) -> bool {
    policies.any(|policy| policy.names_group() || consts.used_by(&policy.literals()))
}

/// Where each policy block of a printed file starts: the lines that begin,
/// after their indentation, with `policy ` or `cluster policy `. No other
/// line can: comments start with `#`, and a string holds no line break.
fn block_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let statement = line.trim_start();
        if statement.starts_with("policy ") || statement.starts_with("cluster policy ") {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
}

/// Adds to a compiler diagnostic the input documents of the policy it
/// points into.
pub fn with_origin(diag: Diagnostic, sources: &SourceMap, placed: &[Placed]) -> Diagnostic {
    match origin_of(&diag, sources, placed) {
        Some(origins) => diag.note(format!("this policy is imported from {origins}")),
        None => diag,
    }
}

/// The input documents of the printed policy `diag` points into, described.
pub fn origin_of(diag: &Diagnostic, sources: &SourceMap, placed: &[Placed]) -> Option<String> {
    let primary = diag.primary.as_ref()?;
    let file = primary.span.file;
    let path = sources.path(file);
    let text = sources.get(file).map_or("", |source| &source.text);
    let at = primary.span.range().start;
    let index = block_starts(text)
        .iter()
        .take_while(|start| **start <= at)
        .count();
    let block = index
        .checked_sub(1)
        .and_then(|index| placed.iter().filter(|block| block.path == path).nth(index));
    block.map(|block| block.origins.join(", "))
}
