"""Writes a synthetic netpolc repository of N namespaces for the benchmark.

The namespaces share constants and categories the way a platform team's do:
every namespace uses one of three postures with one of a few argument sets,
and most add per-component policies of their own, so the compiler has both
shared expansions and per-namespace work. Every check is on.
"""

import os
import sys


def main() -> None:
    root, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(root, "namespaces"), exist_ok=True)
    with open(os.path.join(root, "common.netpol"), "w") as f:
        f.write(
            """const STORAGE_IPS = [10.20.0.10, 10.20.0.11, 10.20.0.12]
const MGMT_NET = 10.50.0.0/24
const PAYMENT_APIS = ["api.stripe.com", "*.tosspayments.com"]

category base_app {
  use allow_dns
  use allow_from_same_namespace
  use deny_cloud_metadata
}

category user_facing_app(metrics_port: port = 9090/tcp) {
  use base_app
  use allow_gateway_ingress
  use allow_metrics_scrape(ports: $metrics_port)
  use allow_storage(cidrs: $STORAGE_IPS, ports: [2049/tcp, 111/tcp])
}

category infrastructure_service {
  use base_app
  allow from entity cluster, kube-apiserver, host
  use allow_kube_apiserver
}

cluster policy host-firewall {
  select all nodes
  allow from entity cluster
  allow from cidr $MGMT_NET port 22/tcp, 6443/tcp
  allow from anywhere icmp EchoRequest
}
"""
        )
    ports = ["8080/tcp", "9090/tcp", "9100/tcp"]
    for i in range(n):
        name = f"ns-{i:05d}"
        lines = ['import "../common.netpol"', "", f"namespace {name} {{"]
        if i % 5 == 4:
            lines.append("  use infrastructure_service")
        else:
            lines.append(f"  use user_facing_app(metrics_port: {ports[i % 3]})")
        if i % 2 == 0:
            lines += [
                "",
                "  policy api {",
                "    select pods app=api",
                # The workload gives the web pods no egress beyond their
                # namespace's posture (DNS, storage); W0122 says so, once
                # per namespace. Silenced, so that the benchmark times the
                # compiler and not 5,000 printed warnings.
                '    silence W0122 "benchmark workload: the web pods\' egress is not part of it"',
                f"    allow from pods app=web port {8000 + i % 100}/tcp",
                '      http GET "/api/v1/.*"',
                '      http GET "/healthz"',
                "    allow to pods app=db in namespace data port 5432/tcp",
                "  }",
            ]
        if i % 3 == 0:
            lines += [
                "",
                "  policy payments {",
                "    select pods app=checkout",
                "    use allow_dns",
                "    allow to fqdn $PAYMENT_APIS port 443/tcp",
                "  }",
            ]
        lines.append("}")
        with open(os.path.join(root, "namespaces", f"{name}.netpol"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
