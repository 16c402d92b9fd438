//! ast: the untyped, spanned syntax tree of one `.netpol` file.
//!
//! **Invariant:** the AST mirrors the text. Every node carries its span,
//! literals are kept as written, and nothing is resolved or validated; that
//! is `sema`'s job.

use crate::source::{FileId, Span, Spanned};

/// A parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// The file.
    pub id: FileId,
    /// Top-level items in source order.
    pub items: Vec<Item>,
    /// Every `silence` of the file, wherever it is written.
    pub silences: Vec<Silence>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `import "path"`.
    Import(Import),
    /// `const NAME = value`.
    Const(ConstDef),
    /// `category NAME(params) { ... }`.
    Category(Category),
    /// `namespace NAME { ... }`.
    Namespace(NamespaceDecl),
    /// `cluster policy NAME { ... }`.
    ClusterPolicy(PolicyDecl),
    /// `cluster namespaces { ... }`: the namespace inventory.
    Inventory(Inventory),
    /// `cilium 1.19`: the targeted Cilium version, as written.
    Cilium(Spanned<String>),
    /// `cidr groups`: CIDR constants become CiliumCIDRGroups.
    CidrGroups(Span),
}

/// `import "path"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The path as written, relative to the importing file.
    pub path: Spanned<String>,
    /// The whole item.
    pub span: Span,
}

/// `const NAME = value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDef {
    /// The name, without `$`.
    pub name: Spanned<String>,
    /// `group`: the constant is emitted as a CiliumCIDRGroup.
    pub group: Option<Span>,
    /// The value.
    pub value: Value,
    /// The whole item.
    pub span: Span,
}

/// `category NAME(params) { body }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// The name.
    pub name: Spanned<String>,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// `sentence ...`: the rule sentence that stands for a `use` of it.
    pub sentence: Option<SentenceDecl>,
    /// The body.
    pub body: Vec<BodyItem>,
    /// The whole item.
    pub span: Span,
}

/// `sentence allow storage from $cidrs port $ports`, in a category's head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceDecl {
    /// `allow` or `deny`.
    pub verb: Spanned<Verb>,
    /// The word after the verb: `storage`.
    pub word: Spanned<String>,
    /// The parameter the values right after the word fill, without `$`.
    pub slot: Option<Spanned<String>>,
    /// The clauses.
    pub clauses: Vec<SentenceDeclClause>,
    /// The whole declaration.
    pub span: Span,
}

/// `in namespace $namespace`: clause words and the parameter they fill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceDeclClause {
    /// The clause words, as written (`["in", "namespace"]`).
    pub words: Vec<String>,
    /// The parameter, without `$`.
    pub param: Spanned<String>,
    /// The whole clause.
    pub span: Span,
}

/// `allow storage from $IPS port 2049/tcp`: a rule sentence as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// `allow` or `deny`.
    pub verb: Spanned<Verb>,
    /// The word after the verb.
    pub word: Spanned<String>,
    /// The values right after the word, with their span.
    pub values: Option<Spanned<Vec<Value>>>,
    /// The clauses in order.
    pub clauses: Vec<SentenceClause>,
}

impl Sentence {
    /// The verb and the word, as the sentence is named: `allow dns`.
    pub fn title(&self) -> String {
        format!("{} {}", self.verb.node.keyword(), self.word.node)
    }
}

/// `from $IPS`, `in namespace monitoring`: one clause of a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceClause {
    /// The clause words, as written, spanning the words.
    pub words: Spanned<Vec<String>>,
    /// The values.
    pub values: Spanned<Vec<Value>>,
    /// The whole clause.
    pub span: Span,
}

/// `name: type = default`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The name, used as `$name` in the body.
    pub name: Spanned<String>,
    /// The declared type.
    pub ty: Spanned<ParamType>,
    /// The default value.
    pub default: Option<Value>,
}

/// A parameter type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `cidr`.
    Cidr,
    /// `cidrs`.
    Cidrs,
    /// `port`.
    Port,
    /// `ports`.
    Ports,
    /// `string`.
    String,
    /// `strings`.
    Strings,
    /// `selector`.
    Selector,
}

/// `[system] namespace NAME { body }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceDecl {
    /// The `system` keyword, when written.
    pub system: Option<Span>,
    /// The namespace name.
    pub name: Spanned<String>,
    /// The body.
    pub body: Vec<BodyItem>,
    /// The whole item.
    pub span: Span,
}

/// `policy NAME { ... }`, also the body of `cluster policy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDecl {
    /// The policy name.
    pub name: Spanned<String>,
    /// Statements in order.
    pub body: Vec<Stmt>,
    /// The whole block.
    pub span: Span,
}

/// What a namespace or category body holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyItem {
    /// A named policy.
    Policy(PolicyDecl),
    /// A statement for the body's own policy.
    Stmt(Stmt),
}

/// A statement inside a policy body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `use NAME(args)`.
    Use(Use),
    /// `select ...`.
    Select(Select),
    /// `description "..."`.
    Description(Value, Span),
    /// `label key=value`.
    Label(Spanned<String>, Value, Span),
    /// `default deny ingress, egress`.
    DefaultDeny(Vec<Spanned<Direction>>, Span),
    /// `no default deny ingress, egress`.
    NoDefaultDeny(Vec<Spanned<Direction>>, Span),
    /// An allow or deny rule (boxed: by far the largest statement).
    Rule(Box<Rule>),
}

/// `use NAME(arg: value, ...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    /// The category name.
    pub name: Spanned<String>,
    /// Named arguments.
    pub args: Vec<Arg>,
    /// The whole statement.
    pub span: Span,
    /// The rule sentence this `use` was written as (`allow dns`). Parsing
    /// leaves `name` empty and `args` empty; `sema::sentences` fills them
    /// in from the declaring category's `sentence` (the one place the AST
    /// is completed after parsing), or leaves `name` empty when no category
    /// declares the sentence.
    pub sentence: Option<Box<Sentence>>,
}

/// `name: value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The parameter name; empty (at the value's start) for a positional
    /// argument, which sema refuses with E0309.
    pub name: Spanned<String>,
    /// The value.
    pub value: Value,
}

/// A traffic direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `ingress`.
    Ingress,
    /// `egress`.
    Egress,
}

/// `select SUBJECT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Select {
    /// What is selected.
    pub subject: Subject,
    /// The whole statement.
    pub span: Span,
}

/// The subject of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// `pods [SELECTOR] [in SCOPE]`.
    Pods {
        /// The pod selector; `None` selects every pod in scope.
        selector: Option<Selector>,
        /// The namespaces, for cluster-wide policies.
        scope: Option<Scope>,
    },
    /// `all nodes`.
    AllNodes,
    /// `nodes SELECTOR`.
    Nodes(Selector),
    /// `everything`: every endpoint of the cluster (`endpointSelector: {}`
    /// in a cluster-wide policy), Cilium's reserved endpoints included.
    Everything,
}

/// `in ...`: where a pod selector looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// Which namespaces.
    pub kind: ScopeKind,
    /// The whole `in ...` clause.
    pub span: Span,
}

/// The kinds of namespace scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// `in all namespaces [except a, b]`.
    All {
        /// Namespaces left out.
        except: Vec<Value>,
    },
    /// `in namespaces with SELECTOR`.
    Labelled(Selector),
    /// `in namespace a, b`.
    Named(Vec<Value>),
}

/// `allow|deny from|to PEER ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Allow or deny.
    pub verb: Spanned<Verb>,
    /// Ingress (`from`) or egress (`to`).
    pub direction: Spanned<Direction>,
    /// The peer.
    pub peer: Peer,
    /// `port ...`.
    pub ports: Option<Spanned<Vec<Value>>>,
    /// `icmp ...`.
    pub icmps: Option<Spanned<Vec<IcmpItem>>>,
    /// L7 lines, in order.
    pub l7: Vec<L7>,
    /// The whole rule.
    pub span: Span,
}

/// `allow` or `deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    /// `allow`.
    Allow,
    /// `deny`.
    Deny,
}

impl Verb {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Verb::Allow => "allow",
            Verb::Deny => "deny",
        }
    }
}

/// The other side of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// What kind of peer.
    pub kind: PeerKind,
    /// The whole peer clause.
    pub span: Span,
}

/// The kinds of peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerKind {
    /// `pods [SELECTOR, ...] [in SCOPE]`.
    Pods {
        /// Selectors, any of which may match; empty for every pod.
        selectors: Vec<Selector>,
        /// Where to look.
        scope: Option<Scope>,
    },
    /// `namespace a, b`.
    Namespace(Vec<Value>),
    /// `namespaces with SELECTOR`.
    Namespaces(Selector),
    /// `entity a, b`.
    Entity(Vec<Spanned<String>>),
    /// `cidr ...`.
    Cidr(Vec<CidrItem>),
    /// `fqdn ...`.
    Fqdn(Vec<Value>),
    /// `service NAME [in SCOPE]`.
    Service {
        /// The service name.
        name: Value,
        /// Where the service is.
        scope: Option<Scope>,
    },
    /// `services with SELECTOR [in SCOPE]`.
    Services {
        /// The service label selector.
        selector: Selector,
        /// Where the services are.
        scope: Option<Scope>,
    },
    /// `anywhere`.
    Anywhere,
    /// `everything`.
    Everything,
}

/// One CIDR (or CIDR constant) with its exceptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CidrItem {
    /// The CIDR or a `$NAME`.
    pub cidr: Value,
    /// Exceptions.
    pub except: Vec<Value>,
    /// The whole item.
    pub span: Span,
}

/// One ICMP type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcmpItem {
    /// `ipv4` or `ipv6` when written.
    pub family: Option<Spanned<IcmpFamily>>,
    /// The type as written.
    pub kind: Spanned<String>,
}

/// An ICMP family marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IcmpFamily {
    /// `ipv4`.
    V4,
    /// `ipv6`.
    V6,
}

/// One L7 line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L7 {
    /// `http ...`.
    Http(Http),
    /// `grpc "pkg.Service/Method"`.
    Grpc(Value, Span),
    /// `kafka ...`.
    Kafka(Kafka),
    /// `dns "pattern", ...`.
    Dns(Vec<Value>, Span),
}

impl L7 {
    /// The line's span.
    pub fn span(&self) -> Span {
        match self {
            L7::Http(http) => http.span,
            L7::Grpc(_, span) | L7::Dns(_, span) => *span,
            L7::Kafka(kafka) => kafka.span,
        }
    }
}

/// `http [METHOD] ["/path"] [host "h"] [header "K: v"]...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Http {
    /// The method.
    pub method: Option<Method>,
    /// The path regexp.
    pub path: Option<Value>,
    /// The host.
    pub host: Option<Value>,
    /// Required headers.
    pub headers: Vec<Value>,
    /// The whole line.
    pub span: Span,
}

/// An HTTP method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// An upper-case word such as `GET`.
    Word(Spanned<String>),
    /// `method "regex"`.
    Regex(Value),
}

/// `kafka [produce|consume|apikey NAME] [topic "t"] [client "c"] [version N]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kafka {
    /// `produce` or `consume`.
    pub role: Option<Spanned<KafkaRole>>,
    /// `apikey NAME`.
    pub api_key: Option<Spanned<String>>,
    /// `topic "t"`.
    pub topic: Option<Value>,
    /// `client "c"`.
    pub client: Option<Value>,
    /// `version N`.
    pub version: Option<Spanned<String>>,
    /// The whole line.
    pub span: Span,
}

/// A Kafka role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KafkaRole {
    /// `produce`.
    Produce,
    /// `consume`.
    Consume,
}

/// A label selector as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// Braced terms, or a reference.
    pub kind: SelectorKind,
    /// The whole selector.
    pub span: Span,
}

/// The forms of selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectorKind {
    /// `{ terms }` or a single `key=value`.
    Terms(Vec<Term>),
    /// `$NAME`.
    Ref(Spanned<String>),
}

/// One selector term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// `key=value`.
    Eq(Spanned<String>, Value),
    /// `key!=value`.
    Ne(Spanned<String>, Value),
    /// `key in (a, b)`.
    In(Spanned<String>, Vec<Value>),
    /// `key notin (a, b)`.
    NotIn(Spanned<String>, Vec<Value>),
    /// `key`.
    Exists(Spanned<String>),
    /// `!key`.
    NotExists(Spanned<String>),
    /// `$NAME`: the terms of a selector constant.
    Splice(Spanned<String>),
}

/// A value slot: literal or reference, checked against the slot's type by sema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `$NAME`, the name without `$`.
    Ref(Spanned<String>),
    /// A CIDR or IP as written.
    Cidr(Spanned<String>),
    /// A port as written (boxed: it is the largest variant by far).
    Port(Box<PortLit>),
    /// A string, unescaped.
    String(Spanned<String>),
    /// A bare word (names, label values).
    Word(Spanned<String>),
    /// `[a, b]`.
    List(Vec<Value>, Span),
    /// `{ app=web }`.
    Selector(Selector),
}

impl Value {
    /// Where the value was written.
    pub fn span(&self) -> Span {
        match self {
            Value::Ref(s) | Value::Cidr(s) | Value::String(s) | Value::Word(s) => s.span,
            Value::Port(port) => port.span,
            Value::List(_, span) => *span,
            Value::Selector(selector) => selector.span,
        }
    }
}

/// A port literal: `80`, `80/tcp`, `8000-8999/tcp`, `http/tcp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortLit {
    /// The port number or name.
    pub start: Spanned<String>,
    /// The end of a range.
    pub end: Option<Spanned<String>>,
    /// The protocol.
    pub protocol: Option<Spanned<String>>,
    /// The whole literal.
    pub span: Span,
}

/// `cluster namespaces { a, b tier=app }`: namespaces the cluster has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    /// The namespaces in source order.
    pub entries: Vec<InventoryEntry>,
    /// The whole item.
    pub span: Span,
}

/// One namespace of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryEntry {
    /// The namespace name.
    pub name: Spanned<String>,
    /// The labels the namespace carries, written as a selector of `key=value` terms.
    pub labels: Option<Selector>,
    /// The whole entry.
    pub span: Span,
}

/// `silence W0106 "reason"`: no such warning on the node that follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Silence {
    /// The codes as written.
    pub codes: Vec<Spanned<String>>,
    /// The reason; required, but kept optional here so sema can say so.
    pub reason: Option<Spanned<String>>,
    /// The definition or statement it applies to.
    pub target: Span,
    /// The `silence` line itself.
    pub span: Span,
}
