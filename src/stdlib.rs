//! The standard library: `.netpol` files under `stdlib/`, embedded in the
//! binary and added to every compilation as `<stdlib>/NAME.netpol`.
//!
//! Every definition in the standard library is visible in every file without
//! an import; a user definition of the same name takes precedence.

/// Every stdlib file: its name and text.
pub const FILES: &[(&str, &str)] = &[
    (
        "cloud_metadata.netpol",
        include_str!("../stdlib/cloud_metadata.netpol"),
    ),
    ("dns.netpol", include_str!("../stdlib/dns.netpol")),
    (
        "kube_apiserver.netpol",
        include_str!("../stdlib/kube_apiserver.netpol"),
    ),
    ("metrics.netpol", include_str!("../stdlib/metrics.netpol")),
    (
        "namespace.netpol",
        include_str!("../stdlib/namespace.netpol"),
    ),
    ("storage.netpol", include_str!("../stdlib/storage.netpol")),
];
