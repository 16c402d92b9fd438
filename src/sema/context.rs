//! Where a policy is being built: in a namespace or cluster-wide.

/// The context a rule is checked and lowered in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ctx {
    /// A CiliumNetworkPolicy of this namespace.
    Namespace(crate::ir::NamespaceName),
    /// A CiliumClusterwideNetworkPolicy.
    Cluster,
}
