//! Mostly-valid `.netpol` repositories from fuzzer bytes, built with the
//! `arbitrary` crate the way Cedar's `cedar-drt` builds policies: the bytes
//! choose among the grammar's productions and among pools of literals, so
//! nearly every input gets past the parser and many compile cleanly, which
//! sends them through category expansion, the Cilium and safety checks, the
//! lints and emit. Now and then (about one choice in [`pools::SLIP`]) a literal is
//! taken from a pool of mistakes instead (a `/33` prefix, port 0, a
//! misspelt entity), so the checks that refuse them run as well.
//!
//! A repository is `constants.netpol`, `categories.netpol` and a few files
//! under `namespaces/` that import them, the layout [`crate::split`] uses.
//!
//! Hostile shapes, now and then: a namespace file whose name carries
//! arbitrary bytes (line breaks, `---`, YAML), which must not reach the
//! output unescaped; and constants or categories that each repeat the one
//! before twice, up to 24 and 20 levels deep, which must be refused by the
//! expansion budget (E0108) rather than expanded.

mod items;
mod pools;
mod rules;

use arbitrary::{Result, Unstructured};

use pools::{CIDRS, FQDNS, LABEL_KEYS, LABEL_VALUES, OTHER_NAMESPACES, PORTS, Pool, SLIP, TYPES};

/// A value type of the language.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Cidr,
    Cidrs,
    Port,
    Ports,
    Str,
    Strs,
    Selector,
}

impl Type {
    /// The type's keyword in a parameter list.
    fn keyword(self) -> &'static str {
        match self {
            Type::Cidr => "cidr",
            Type::Cidrs => "cidrs",
            Type::Port => "port",
            Type::Ports => "ports",
            Type::Str => "string",
            Type::Strs => "strings",
            Type::Selector => "selector",
        }
    }
}

/// A user category: its name, parameters (name, type, has a default), and
/// whether it defines policies (and so cannot be used inside one).
struct Category {
    name: String,
    params: Vec<(String, Type, bool)>,
    policies: bool,
}

/// Where a rule is written: cluster-wide policies need `in ...` on pod
/// peers, and the host firewall has no L7 rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Namespace,
    Cluster,
    Nodes,
}

/// The state of one generated repository.
struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    /// Constants and parameters in scope, with their types.
    names: Vec<(String, Type)>,
    /// User categories defined so far.
    categories: Vec<Category>,
    /// A counter for fresh namespace and policy names.
    fresh: usize,
}

/// Generates a repository: (path, text) pairs.
pub fn repository(u: &mut Unstructured) -> Result<Vec<(String, String)>> {
    let mut g = Gen {
        u,
        names: Vec::new(),
        categories: Vec::new(),
        fresh: 0,
    };
    let mut constants = String::new();
    if g.u.ratio(1, 8)? {
        constants.push_str(g.u.choose(&[
            "cilium 1.19\n",
            "cilium 1.16\n",
            "cilium 1.18\n",
            "cilium 1.20\n",
            "cilium 2.0\n",
        ])?);
    }
    for index in 0..g.u.int_in_range(0..=4)? {
        let ty = *g.u.choose(TYPES)?;
        let value = g.value(ty)?;
        let name = format!("C{index}");
        constants.push_str(&format!("const {name} = {value}\n"));
        g.names.push((name, ty));
    }
    if g.u.ratio(1, 16)? {
        constants.push_str(&g.doubling_constants()?);
    }
    let mut categories = String::from("import \"constants.netpol\"\n");
    for index in 0..g.u.int_in_range(0..=2)? {
        categories.push_str(&g.category(index)?);
    }
    if g.u.ratio(1, 16)? {
        categories.push_str(&g.doubling_categories()?);
    }
    let mut files = vec![
        ("constants.netpol".to_owned(), constants),
        ("categories.netpol".to_owned(), categories),
    ];
    for index in 0..g.u.int_in_range(1..=3)? {
        let mut text =
            String::from("import \"../constants.netpol\"\nimport \"../categories.netpol\"\n");
        for _ in 0..g.u.int_in_range(1..=2)? {
            if g.u.ratio(1, 4)? {
                text.push_str(&g.cluster_policy()?);
            } else {
                text.push_str(&g.namespace()?);
            }
        }
        let mut name = crate::file_name(index + 2);
        if g.u.ratio(1, 8)? {
            name = hostile_name(g.u, &name)?;
        }
        files.push((name, text));
    }
    Ok(files)
}

/// `name` with arbitrary bytes before its `.netpol`, read as UTF-8 with
/// replacement; `/` is kept out so the file stays in `namespaces/` and its
/// imports resolve.
fn hostile_name(u: &mut Unstructured, name: &str) -> Result<String> {
    let len = u.int_in_range(1..=24)?;
    let bytes = u.bytes(len)?;
    let junk = String::from_utf8_lossy(bytes).replace('/', "_");
    let stem = name.strip_suffix(".netpol").unwrap_or(name);
    Ok(format!("{stem}{junk}.netpol"))
}

impl Gen<'_, '_> {
    /// `const D0 = CIDR` and `const Dn = [$Dn-1, $Dn-1]` up to 24 levels: a
    /// list of up to 2²⁴ CIDRs written in a few hundred bytes. The last one
    /// is in scope for rules.
    fn doubling_constants(&mut self) -> Result<String> {
        let depth = self.u.int_in_range(1..=24)?;
        let mut text = format!("const D0 = {}\n", self.pick(CIDRS)?);
        for level in 1..=depth {
            text.push_str(&format!("const D{level} = [$D{0}, $D{0}]\n", level - 1));
        }
        self.names.push((format!("D{depth}"), Type::Cidrs));
        Ok(text)
    }

    /// `category dbl0 { rule }` and `category dblN { use dblN-1  use dblN-1 }`
    /// up to 20 levels: 2²⁰ copies of the rule. The last one can be used.
    fn doubling_categories(&mut self) -> Result<String> {
        let depth = self.u.int_in_range(1..=20)?;
        let mut text = format!(
            "category dbl0 {{\n  allow to cidr {} port {}\n}}\n",
            self.pick(CIDRS)?,
            self.pick(PORTS)?
        );
        for level in 1..=depth {
            text.push_str(&format!(
                "category dbl{level} {{\n  use dbl{0}\n  use dbl{0}\n}}\n",
                level - 1
            ));
        }
        self.categories.push(Category {
            name: format!("dbl{depth}"),
            params: Vec::new(),
            policies: false,
        });
        Ok(text)
    }

    /// True about once in [`SLIP`] choices: time for a mistake. False when
    /// the bytes run out, as `ratio` is then true.
    fn slip(&mut self) -> Result<bool> {
        Ok(!self.u.ratio(SLIP - 1, SLIP)?)
    }

    /// A literal from `pool`: a valid one, or now and then a mistake.
    fn pick(&mut self, pool: Pool) -> Result<&'static str> {
        if self.slip()? {
            return self.u.choose(pool.1).copied();
        }
        self.u.choose(pool.0).copied()
    }

    /// `a, b, c`: one to `max` items.
    fn list(
        &mut self,
        max: usize,
        mut item: impl FnMut(&mut Self) -> Result<String>,
    ) -> Result<String> {
        let count = self.u.int_in_range(1..=max)?;
        let items: Result<Vec<String>> = (0..count).map(|_| item(self)).collect();
        Ok(items?.join(", "))
    }

    /// A fresh name with `prefix`, unique in the repository.
    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// A `$NAME` of type `ty` in scope, a third of the time when there is one.
    fn reference(&mut self, ty: Type) -> Result<Option<String>> {
        if self.slip()? && self.u.ratio(1, 2)? {
            return Ok(Some(
                self.u.choose(&["$C0", "$C1", "$p0", "$NOPE"])?.to_string(),
            ));
        }
        let candidates: Vec<String> = self
            .names
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(name, _)| format!("${name}"))
            .collect();
        if candidates.is_empty() || !self.u.ratio(1, 3)? {
            return Ok(None);
        }
        Ok(Some(self.u.choose(&candidates)?.clone()))
    }

    /// A value of `ty`, as a constant, default or argument.
    fn value(&mut self, ty: Type) -> Result<String> {
        if let Some(reference) = self.reference(ty)? {
            return Ok(reference);
        }
        Ok(match ty {
            Type::Cidr => self.pick(CIDRS)?.to_owned(),
            Type::Port => self.pick(PORTS)?.to_owned(),
            Type::Str => format!("\"{}\"", self.pick(FQDNS)?),
            Type::Selector => self.braced_selector()?,
            Type::Cidrs => format!("[{}]", self.list(3, |g| g.value(Type::Cidr))?),
            Type::Ports => format!("[{}]", self.list(3, |g| g.value(Type::Port))?),
            Type::Strs => format!("[{}]", self.list(2, |g| g.value(Type::Str))?),
        })
    }

    /// A string literal from `pool`.
    fn string(&mut self, pool: Pool) -> Result<String> {
        Ok(format!("\"{}\"", self.pick(pool)?))
    }

    /// An FQDN literal or a string reference (string constants hold FQDNs).
    fn fqdn(&mut self) -> Result<String> {
        match self.reference(Type::Str)? {
            Some(reference) => Ok(reference),
            None => self.string(FQDNS),
        }
    }

    /// `key=value`.
    fn label(&mut self) -> Result<String> {
        Ok(format!(
            "{}={}",
            self.pick(LABEL_KEYS)?,
            self.pick(LABEL_VALUES)?
        ))
    }

    /// `{ app=web, tier in (a, b), !canary }`.
    fn braced_selector(&mut self) -> Result<String> {
        if self.slip()? {
            return Ok("{}".to_owned());
        }
        // Each key once, unless by mistake: two terms on one key may contradict.
        let mut keys: Vec<&str> = LABEL_KEYS.0.to_vec();
        let mut terms = Vec::new();
        for _ in 0..self.u.int_in_range(1..=3)? {
            let key = if self.slip()? {
                self.pick(LABEL_KEYS)?
            } else {
                let index = self.u.choose_index(keys.len())?;
                keys.swap_remove(index)
            };
            terms.push(match self.u.int_in_range(0..=7)? {
                0 => format!(
                    "{key} in ({})",
                    self.list(2, |g| Ok(g.pick(LABEL_VALUES)?.to_owned()))?
                ),
                1 => format!(
                    "{key} notin ({})",
                    self.list(2, |g| Ok(g.pick(LABEL_VALUES)?.to_owned()))?
                ),
                2 => format!("{key}!={}", self.pick(LABEL_VALUES)?),
                3 => format!("!{key}"),
                4 => key.to_owned(),
                _ => format!("{key}={}", self.pick(LABEL_VALUES)?),
            });
        }
        Ok(format!("{{ {} }}", terms.join(", ")))
    }

    /// A selector: `key=value`, braced, or a reference.
    fn selector(&mut self) -> Result<String> {
        if let Some(reference) = self.reference(Type::Selector)? {
            return Ok(reference);
        }
        if self.u.ratio(1, 3)? {
            return self.braced_selector();
        }
        self.label()
    }

    /// `in namespace a`, `in all namespaces [except ...]`, `in namespaces with ...`.
    fn scope(&mut self) -> Result<String> {
        Ok(match self.u.int_in_range(0..=3)? {
            0 => format!(
                "in namespace {}",
                self.list(2, |g| Ok(g.pick(OTHER_NAMESPACES)?.to_owned()))?
            ),
            1 => "in all namespaces".to_owned(),
            2 => format!(
                "in all namespaces except {}",
                self.list(2, |g| Ok(g.pick(OTHER_NAMESPACES)?.to_owned()))?
            ),
            _ => format!("in namespaces with {}", self.selector()?),
        })
    }
}
