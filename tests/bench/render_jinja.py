"""The Jinja2 peer of the build benchmark: renders, from the templates in
tests/bench/jinja/, the same files with the same YAML documents as
`netpolc build` writes for the repository tests/bench/generate.py makes with
the same N. The template's parameters (which namespace gets which policy,
the ports) follow generate.py's rules; it parses nothing and checks nothing,
which is the point of the comparison: the cost of a template alone.

Usage: render_jinja.py OUT N
"""

import os
import sys

import jinja2

DNS = """\
  - toEndpoints:
    - matchLabels:
        k8s-app: kube-dns
        k8s:io.kubernetes.pod.namespace: kube-system
    toPorts:
    - ports:
      - port: '53'
        protocol: ANY
      rules:
        dns:
        - matchPattern: '*'"""


def main() -> None:
    out, n = sys.argv[1], int(sys.argv[2])
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jinja")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(here),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    namespace = env.get_template("namespace.yaml.j2")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "_clusterwide.yaml"), "w") as f:
        f.write(env.get_template("clusterwide.yaml.j2").render(mgmt_net="10.50.0.0/24"))
    ports = ["8080", "9090", "9100"]
    storage_ips = ["10.20.0.10", "10.20.0.11", "10.20.0.12"]
    for i in range(n):
        name = f"ns-{i:05d}"
        text = namespace.render(
            name=name,
            api=i % 2 == 0,
            api_port=8000 + i % 100,
            payments=i % 3 == 0,
            infra=i % 5 == 4,
            metrics_port=ports[i % 3],
            storage_ips=storage_ips,
            dns=DNS,
        )
        with open(os.path.join(out, f"{name}.yaml"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
