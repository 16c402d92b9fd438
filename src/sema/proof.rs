//! The witness that sema checked a value.
//!
//! Every text newtype of the IR (`ir::LabelKey`, `ir::PolicyName`, ...) is
//! built with a [`Checked`] value, and only this module can make one: its
//! field is private here and [`CHECKED`] is visible to sema alone. So the
//! only way to put text into the IR is through the sema function that
//! checks it (`validate::label_key`, `validate::fqdn`, ...), which reports a
//! diagnostic instead of building a value from bad input.

/// Proof that sema checked a value before wrapping it. Zero-sized.
#[derive(Clone, Copy, Debug)]
pub struct Checked {
    _sealed: (),
}

/// The witness, for sema's checks.
pub(super) const CHECKED: Checked = Checked { _sealed: () };

#[cfg(test)]
mod tests {
    //! Each IR newtype, built from bad input through the only road there is
    //! (the sema check that makes its witness), gives the sema error and no
    //! value; the IR's self-checking constructors refuse what they must.

    use crate::ir;

    /// `(newtype, repository, the code sema reports)`.
    const BAD: &[(&str, &str, &str)] = &[
        (
            "LabelKey",
            "namespace shop {\n  label Team_=payments\n  allow from pods app=gateway port 8080/tcp\n}\n",
            "E0205",
        ),
        (
            "LabelValue",
            "namespace shop {\n  allow from pods app=\"web shop\" port 8080/tcp\n}\n",
            "E0205",
        ),
        (
            "NamespaceName",
            "namespace Shop {\n  allow from pods app=gateway port 8080/tcp\n}\n",
            "E0206",
        ),
        (
            "PolicyName",
            "namespace shop {\n  policy web_ingress {\n    allow from pods app=gateway port 8080/tcp\n  }\n}\n",
            "E0206",
        ),
        (
            "CidrGroupName",
            "const _IPS = group [10.20.0.10]\nnamespace shop {\n  allow to cidr $_IPS port 2049/tcp\n}\n",
            "E0206",
        ),
        (
            "ServiceName",
            "namespace shop {\n  allow to service payments_api in namespace billing port 443/tcp\n}\n",
            "E0206",
        ),
        (
            "PortName",
            "namespace shop {\n  allow from pods app=gateway port metrics-exporter/tcp\n}\n",
            "E0204",
        ),
        (
            "PortSpec (range)",
            "namespace shop {\n  allow from pods app=gateway port 8999-8000/tcp\n}\n",
            "E0204",
        ),
        (
            "FqdnName",
            "namespace shop {\n  allow to fqdn \"api..stripe.com\" port 443/tcp\n}\n",
            "E0208",
        ),
        (
            "FqdnPattern",
            "namespace shop {\n  allow to pods k8s-app=kube-dns in namespace kube-system port 53\n    dns \"api**.example.com\"\n}\n",
            "E0208",
        ),
        (
            "IcmpName",
            "namespace shop {\n  allow from anywhere icmp EchoRequst\n}\n",
            "E0209",
        ),
        (
            "HttpRegex (method)",
            "namespace shop {\n  allow from pods app=gateway port 8080/tcp\n    http method \"GET|HEAD(\" \"/api/.*\"\n}\n",
            "E0211",
        ),
        (
            "HttpRegex (host)",
            "namespace shop {\n  allow from pods app=gateway port 8080/tcp\n    http GET \"/api/.*\" host \"*.example.com\"\n}\n",
            "E0211",
        ),
        (
            "NonEmptyText",
            "namespace shop {\n  allow from pods app=gateway port 8080/tcp\n    http GET \"/api/.*\" header \"\"\n}\n",
            "E0213",
        ),
        (
            "KafkaApiKey",
            "namespace shop {\n  allow to pods app=kafka port 9092/tcp\n    kafka apikey fetchh\n}\n",
            "E0212",
        ),
        (
            "KafkaTopic",
            "namespace shop {\n  allow to pods app=kafka port 9092/tcp\n    kafka produce topic \"orders/eu\"\n}\n",
            "E0212",
        ),
        (
            "CidrRule",
            "namespace shop {\n  allow to cidr 10.0.0.0/8 except [192.168.0.0/16] port 443/tcp\n}\n",
            "E0203",
        ),
        (
            "IngressPeer (no FQDN)",
            "namespace shop {\n  allow from fqdn \"api.example.com\" port 443/tcp\n}\n",
            "E0411",
        ),
        (
            "IngressPeer (no service)",
            "namespace shop {\n  allow from service api in namespace billing port 443/tcp\n}\n",
            "E0413",
        ),
        (
            "EgressDenyPeer (no FQDN)",
            "namespace shop {\n  allow to pods app=db port 5432/tcp\n  deny to fqdn \"evil.example.com\"\n}\n",
            "E0411",
        ),
        (
            "NoL7 (deny rules)",
            "namespace shop {\n  allow to pods app=db port 5432/tcp\n  deny from pods app=x port 80/tcp http GET \"/admin\"\n}\n",
            "E0410",
        ),
    ];

    #[test]
    fn each_newtype_from_bad_input_gets_the_sema_error() {
        for (newtype, text, code) in BAD {
            let (program, diags) = crate::sema::tests::check(text);
            assert!(
                diags.contains(&format!("error[{code}]")),
                "{newtype}: expected {code}, got:\n{diags}"
            );
            assert!(
                program
                    .namespaces
                    .values()
                    .all(|namespace| namespace.policies.is_empty()),
                "{newtype}: a policy was built from bad input"
            );
        }
    }

    #[test]
    fn self_checking_constructors_refuse_what_cilium_refuses() {
        let net = |text: &str| {
            text.parse::<ipnet::IpNet>()
                .unwrap_or_else(|_| unreachable!())
        };
        assert!(ir::CidrRule::new(net("10.0.0.0/8"), vec![net("192.168.0.0/16")]).is_none());
        assert!(ir::CidrRule::new(net("10.0.0.0/16"), vec![net("10.0.0.0/8")]).is_none());
        assert!(ir::CidrRule::new(net("10.0.0.0/8"), vec![net("2001:db8::/32")]).is_none());
        assert!(ir::CidrRule::new(net("10.0.0.0/8"), vec![net("10.1.0.0/16")]).is_some());
        assert!(ir::PortSpec::range(9000, 8000, ir::Protocol::Tcp).is_none());
        assert!(ir::PortSpec::range(8000, 8000, ir::Protocol::Tcp).is_none());
        assert!(ir::PortSpec::range(8000, 8999, ir::Protocol::Tcp).is_some());
        assert!(ir::CidrGroupPeer::new(Vec::new(), Vec::new()).is_none());
    }
}
