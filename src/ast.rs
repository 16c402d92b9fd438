//! ast: the untyped, spanned syntax tree of one `.netpol` file.
//!
//! **Invariant:** the AST mirrors the text. Every node carries its span,
//! literals are kept as written, and nothing is resolved or validated; that
//! is `sema`'s job.
//!
//! The nodes live in submodules by construct (`items`, `policies`, `rules`,
//! `values`) and are re-exported here: every node is `ast::X`.

mod expect;
mod items;
mod policies;
mod rules;
mod values;

pub use expect::{Endpoint, EndpointKind, Expect, Flow, FlowPort, FlowRequest};
pub use items::{
    Category, ConstDef, File, Import, Inventory, InventoryEntry, Item, Param, ParamType, Sentence,
    SentenceClause, SentenceDecl, SentenceDeclClause, Silence,
};
pub use policies::{
    Arg, BodyItem, Direction, Metadata, MetadataKind, NamespaceDecl, PolicyDecl, Scope, ScopeKind,
    Select, SpecBlock, Stmt, Subject, Use,
};
pub use rules::{
    AwsGroup, CidrItem, Generic, HeaderMatch, Http, IcmpFamily, IcmpItem, Kafka, KafkaRole, L7,
    Listener, Method, Peer, PeerKind, Rule, Tls, TlsItem, TlsSide, Verb,
};
pub use values::{PortLit, Selector, SelectorKind, Term, Value};
