//! Rule sentences (E0109, E0306–E0308): `allow dns`, `allow storage from
//! $IPS port 2049/tcp`.
//!
//! A category opts in with a `sentence` clause in its head:
//!
//! ```text
//! category allow_storage(cidrs: cidrs, ports: ports = []) sentence allow storage from $cidrs port $ports {
//! ```
//!
//! and a sentence is a `use` of it: the values right after the word fill the
//! declaration's slot parameter, each clause the parameter after the same
//! clause words, one value as itself and several as a list. Parsing turns a
//! sentence into an [`ast::Use`] with an empty name; [`complete`] fills the
//! name and the arguments in, before analysis, so everything downstream
//! (expansion, argument type checks, lints) sees an ordinary `use` whose
//! arguments keep the spans of the sentence's values. A sentence nobody
//! declares, or that does not fit its declaration, keeps its empty name and
//! expansion skips it (its error is already reported).
//!
//! A sentence is resolved like the category that declares it: a file sees
//! the sentences of its own categories, of the files it imports and of the
//! standard library. Two categories anywhere in the repository (standard
//! library included) may not declare the same sentence.

use super::resolve::{self, CategoryRef, Defs};
use super::suggest;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::hash::{HashMap, HashMapExt};
use crate::source::{FileId, Origin, SourceMap, Span, Spanned};

/// A category's sentence, with what the checks need of the category.
struct Declared {
    file: FileId,
    category: String,
    /// Parameters: name and whether it has a default.
    params: Vec<(String, bool)>,
    decl: ast::SentenceDecl,
}

impl Declared {
    fn title(&self) -> String {
        format!("{} {}", self.decl.verb.node.keyword(), self.decl.word.node)
    }

    /// The sentence in full, with `...` for each value: `allow storage from ... port ...`.
    fn shape(&self) -> String {
        let mut out = self.title();
        if self.decl.slot.is_some() {
            out.push_str(" ...");
        }
        for clause in &self.decl.clauses {
            out.push(' ');
            out.push_str(&clause.words.join(" "));
            out.push_str(" ...");
        }
        out
    }

    fn has_default(&self, param: &str) -> bool {
        self.params
            .iter()
            .any(|(name, default)| name == param && *default)
    }

    /// What gives a parameter: "a `from` clause", "values after `dns`".
    fn way_to_give(&self, param: &str) -> String {
        if self
            .decl
            .slot
            .as_ref()
            .is_some_and(|slot| slot.node == param)
        {
            return format!("values after `{}`", self.decl.word.node);
        }
        self.decl
            .clauses
            .iter()
            .find(|clause| clause.param.node == param)
            .map_or_else(
                || format!("`{param}`"),
                |clause| format!("a `{}` clause", clause.words.join(" ")),
            )
    }
}

type Key = (ast::Verb, String);

/// Checks every sentence declaration and fills in every sentence's `use`.
pub fn complete(sources: &SourceMap, files: &mut [ast::File]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|a, b| {
        let path = |index: &usize| files.get(*index).map(|file| sources.path(file.id));
        path(a).cmp(&path(b))
    });
    let mut declared: HashMap<Key, Declared> = HashMap::new();
    let mut any_sentence = false;
    for index in &order {
        let Some(file) = files.get(*index) else {
            continue;
        };
        for item in &file.items {
            let ast::Item::Category(category) = item else {
                continue;
            };
            let Some(decl) = &category.sentence else {
                continue;
            };
            any_sentence = true;
            if !check_decl(category, decl, &mut diags) {
                continue;
            }
            let key = (decl.verb.node, decl.word.node.clone());
            if let Some(first) = declared.get(&key) {
                diags.push(
                    report::duplicate_sentence(decl.span, &first.title())
                        .label(format!(
                            "category `{}` declares it here",
                            category.name.node
                        ))
                        .secondary(
                            first.decl.span,
                            format!("category `{}` declares it first", first.category),
                        )
                        .help("give one of the two sentences another word"),
                );
                continue;
            }
            declared.insert(
                key,
                Declared {
                    file: file.id,
                    category: category.name.node.clone(),
                    params: category
                        .params
                        .iter()
                        .map(|param| (param.name.node.clone(), param.default.is_some()))
                        .collect(),
                    decl: ast::SentenceDecl::clone(decl),
                },
            );
        }
    }
    if !any_sentence {
        return diags;
    }
    let visible = visibility(sources, files);
    for file in files.iter_mut() {
        let id = file.id;
        let sees = visible.get(&id).map_or(&[][..], Vec::as_slice);
        let mut fill = |use_stmt: &mut ast::Use| {
            if let Some(sentence) = use_stmt.sentence.as_deref() {
                if let Some((name, args)) =
                    fill_in(sources, id, sees, &declared, sentence, &mut diags)
                {
                    use_stmt.name.node = name;
                    use_stmt.args = args;
                }
            }
        };
        for item in &mut file.items {
            match item {
                ast::Item::Category(category) => body(&mut category.body, &mut fill),
                ast::Item::Namespace(namespace) => body(&mut namespace.body, &mut fill),
                ast::Item::ClusterPolicy(policy) => stmts(&mut policy.body, &mut fill),
                _ => {}
            }
        }
    }
    diags
}

fn body(items: &mut [ast::BodyItem], fill: &mut impl FnMut(&mut ast::Use)) {
    for item in items {
        match item {
            ast::BodyItem::Policy(policy) => stmts(&mut policy.body, fill),
            ast::BodyItem::Stmt(ast::Stmt::Use(use_stmt)) => fill(use_stmt),
            ast::BodyItem::Stmt(_) | ast::BodyItem::Expect(_) => {}
        }
    }
}

fn stmts(stmts: &mut [ast::Stmt], fill: &mut impl FnMut(&mut ast::Use)) {
    for stmt in stmts {
        if let ast::Stmt::Use(use_stmt) = stmt {
            fill(use_stmt);
        }
    }
}

/// For each file, the files whose categories (and so sentences) it sees:
/// itself, the files it imports, the standard library.
fn visibility(sources: &SourceMap, files: &[ast::File]) -> HashMap<FileId, Vec<FileId>> {
    let by_path: HashMap<&str, FileId> = sources
        .iter()
        .map(|(id, file)| (file.path.as_str(), id))
        .collect();
    let stdlib: Vec<FileId> = sources
        .iter()
        .filter(|(_, file)| file.origin == Origin::Stdlib)
        .map(|(id, _)| id)
        .collect();
    files
        .iter()
        .map(|file| {
            let mut sees = vec![file.id];
            for item in &file.items {
                if let ast::Item::Import(import) = item {
                    let target = resolve::join(sources.path(file.id), &import.path.node)
                        .and_then(|path| by_path.get(path.as_str()).copied());
                    sees.extend(target);
                }
            }
            sees.extend(stdlib.iter().copied());
            (file.id, sees)
        })
        .collect()
}

/// Checks a declaration against its category's parameters (E0307).
fn check_decl(
    category: &ast::Category,
    decl: &ast::SentenceDecl,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let before = diags.len();
    let mut unknown_param = false;
    let names: Vec<&str> = category
        .params
        .iter()
        .map(|param| param.name.node.as_str())
        .collect();
    let params = decl
        .slot
        .iter()
        .chain(decl.clauses.iter().map(|clause| &clause.param));
    for param in params {
        if !names.contains(&param.node.as_str()) {
            unknown_param = true;
            diags.push(suggest::did_you_mean_at(
                report::invalid_sentence_declaration(
                    param.span,
                    report::InvalidSentenceDeclaration::NoParameter {
                        category: &category.name.node,
                        param: &param.node,
                    },
                ),
                param.span,
                &param.node,
                names.iter().copied(),
                |best| format!("${best}"),
            ));
        }
    }
    let mut seen: HashMap<&[String], Span> = HashMap::new();
    for clause in &decl.clauses {
        if let Some(first) = seen.insert(&clause.words, clause.span) {
            diags.push(
                report::invalid_sentence_declaration(
                    clause.span,
                    report::InvalidSentenceDeclaration::TwoClauses {
                        words: &clause.words.join(" "),
                    },
                )
                .secondary(first, "first clause")
                .help("a sentence's clauses start with different words"),
            );
        }
    }
    for param in &category.params {
        let given = decl.slot.iter().any(|slot| slot.node == param.name.node)
            || decl
                .clauses
                .iter()
                .any(|clause| clause.param.node == param.name.node);
        if param.default.is_none() && !given && !unknown_param {
            diags.push(
                report::invalid_sentence_declaration(
                    decl.span,
                    report::InvalidSentenceDeclaration::NoDefault {
                        category: &param.name.node,
                    },
                )
                .secondary(param.name.span, "declared here without a default")
                .help(format!(
                    "add a clause such as `from ${}`, or give the parameter a default",
                    param.name.node
                )),
            );
        }
    }
    diags.len() == before
}

/// The category and arguments a sentence stands for, or `None` after
/// reporting why there are none.
fn fill_in(
    sources: &SourceMap,
    from: FileId,
    sees: &[FileId],
    declared: &HashMap<Key, Declared>,
    sentence: &ast::Sentence,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, Vec<ast::Arg>)> {
    let key = (sentence.verb.node, sentence.word.node.clone());
    let Some(found) = declared.get(&key) else {
        diags.push(unknown(sentence, sees, declared));
        return None;
    };
    if !sees.contains(&found.file) {
        diags.push(
            report::unknown_sentence(
                sentence.word.span,
                report::UnknownSentence::NotInScope {
                    title: &sentence.title(),
                },
            )
            .note(format!(
                "category `{}` of `{}` declares it",
                found.category,
                sources.path(found.file)
            ))
            .help(format!(
                "add `import \"{}\"` to `{}`",
                resolve::relative(sources.path(from), sources.path(found.file)),
                sources.path(from)
            )),
        );
        return None;
    }
    let decl = &found.decl;
    let mut ok = true;
    let mut args: Vec<ast::Arg> = Vec::new();
    let mut given: HashMap<&str, Span> = HashMap::new();
    if let Some(values) = &sentence.values {
        match &decl.slot {
            Some(slot) => {
                given.insert(&slot.node, values.span);
                args.push(arg(&slot.node, values.span, values));
            }
            None => {
                diags.push(
                    report::sentence_mismatch(
                        values.span,
                        report::SentenceMismatch::NoValues {
                            title: &sentence.title(),
                            word: &sentence.word.node,
                        },
                    )
                    .secondary(
                        decl.span,
                        format!("declared by category `{}`", found.category),
                    )
                    .help(format!("write `{}`", found.shape())),
                );
                ok = false;
            }
        }
    }
    for clause in &sentence.clauses {
        let Some(declared_clause) = decl
            .clauses
            .iter()
            .find(|declared| declared.words == clause.words.node)
        else {
            diags.push(
                report::sentence_mismatch(
                    clause.words.span,
                    report::SentenceMismatch::NoClause {
                        title: &sentence.title(),
                        words: &clause.words.node.join(" "),
                    },
                )
                .secondary(
                    decl.span,
                    format!("declared by category `{}`", found.category),
                )
                .help(format!("write `{}`", found.shape())),
            );
            ok = false;
            continue;
        };
        let param = declared_clause.param.node.as_str();
        if let Some(first) = given.insert(param, clause.span) {
            diags.push(
                report::sentence_mismatch(
                    clause.span,
                    report::SentenceMismatch::Twice {
                        title: &sentence.title(),
                        param: &param,
                    },
                )
                .label(format!("`{param}` again"))
                .secondary(first, format!("`{param}` first given here"))
                .help("remove one of them"),
            );
            ok = false;
            continue;
        }
        args.push(arg(param, clause.words.span, &clause.values));
    }
    let missing: Vec<&str> = found
        .params
        .iter()
        .filter(|(name, _)| !given.contains_key(name.as_str()) && !found.has_default(name))
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() {
        let ways: Vec<String> = missing
            .iter()
            .map(|param| found.way_to_give(param))
            .collect();
        let mut diag = report::sentence_mismatch(
            sentence.word.span,
            report::SentenceMismatch::Needs {
                title: &sentence.title(),
                ways: &ways.join(" and "),
            },
        )
        .label(format!("incomplete `{}`", sentence.title()))
        .secondary(
            decl.span,
            format!("declared by category `{}`", found.category),
        );
        for param in &missing {
            diag = diag.note(format!(
                "the parameter `{param}` of `{}` has no default",
                found.category
            ));
        }
        diags.push(diag.help(format!("write `{}`", found.shape())));
        ok = false;
    }
    ok.then(|| (found.category.clone(), args))
}

/// An argument from a sentence's values: one value as itself, several as a list.
fn arg(param: &str, name_span: Span, values: &Spanned<Vec<ast::Value>>) -> ast::Arg {
    let value = match values.node.as_slice() {
        [one] => one.clone(),
        many => ast::Value::List(many.to_vec(), values.span),
    };
    ast::Arg {
        name: Spanned::new(param.to_owned(), name_span),
        value,
    }
}

/// E0109: no category declares the sentence.
fn unknown(
    sentence: &ast::Sentence,
    sees: &[FileId],
    declared: &HashMap<Key, Declared>,
) -> Diagnostic {
    let title = sentence.title();
    let mut titles: Vec<String> = declared
        .values()
        .filter(|found| sees.contains(&found.file))
        .map(Declared::title)
        .collect();
    titles.sort();
    let word = sentence.word.node.as_str();
    let help = if matches!(word, "ingress" | "egress") {
        Some(format!(
            "write `{} from ...` for ingress and `{} to ...` for egress",
            sentence.verb.node.keyword(),
            sentence.verb.node.keyword()
        ))
    } else if let Some(way) = suggest::closest(word, ["from", "to"]) {
        Some(format!(
            "did you mean `{} {way} ...`?",
            sentence.verb.node.keyword()
        ))
    } else {
        suggest::did_you_mean(&title, titles.iter().map(String::as_str), str::to_owned)
    };
    let mut diag = report::unknown_sentence(
        sentence.word.span,
        report::UnknownSentence::NotFound { title: &title },
    )
    .help_opt(help);
    if !titles.is_empty() {
        let list: Vec<String> = titles.iter().map(|title| format!("`{title}`")).collect();
        diag = diag.note(format!("the sentences in scope: {}", list.join(", ")));
    }
    diag
}

/// The help of E0102 for a `use` whose name is close to a sentence's word or
/// category: `use dns` → "did you mean `use allow_dns`, or `allow dns`?".
pub fn use_help(defs: &Defs<'_>, from: FileId, name: &str) -> Option<String> {
    let mut words: Vec<(String, CategoryRef<'_>)> = Vec::new();
    for category_name in defs.category_names(from) {
        let Some(category) = defs.category(from, category_name) else {
            continue;
        };
        if let Some(decl) = &category.def.sentence {
            words.push((decl.word.node.clone(), category));
        }
    }
    let by_word = suggest::closest(name, words.iter().map(|(word, _)| word.as_str()));
    let (_, category) = words
        .iter()
        .find(|(word, _)| Some(word.as_str()) == by_word)?;
    let decl = category.def.sentence.as_ref()?;
    Some(format!(
        "did you mean `use {}`, or the sentence `{} {}`?",
        category.def.name.node,
        decl.verb.node.keyword(),
        decl.word.node
    ))
}
