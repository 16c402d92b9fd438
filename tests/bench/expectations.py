"""Adds K expectations to a repository written by generate.py, in tests.netpol.

The expectations are true of the generated policy (so `netpolc test` passes)
and mix what the engine decides: the local host reaching a pod, the gateway,
storage egress (allowed for user-facing namespaces, denied for
infrastructure ones), and flows that must stay closed (the internet to a
pod, a pod to another namespace, a pod to the `api` of its own namespace,
whose egress the posture does not open).
"""

import os
import sys


def main() -> None:
    root, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    lines = ['import "common.netpol"', ""]
    kinds = 6
    for j in range(k):
        i = (j * 7919) % n  # spread over the namespaces
        ns = f"ns-{i:05d}"
        kind = j % kinds
        if kind == 0:
            lines.append(f"expect allow from entity host to pods app=db in namespace {ns} port 5432/tcp")
        elif kind == 1:
            lines.append(f"expect deny from entity world to pods app=web in namespace {ns} port 22/tcp")
        elif kind == 2:
            other = f"ns-{(i + 1) % n:05d}"
            lines.append(f"expect deny from pods app=web in namespace {ns} to pods app=web in namespace {other} port 5555/tcp")
        elif kind == 3:
            verb = "deny" if i % 5 == 4 else "allow"
            lines.append(f"expect {verb} from pods app=web in namespace {ns} to cidr 10.20.0.11 port 2049/tcp")
        elif kind == 4:
            lines.append(f"expect allow from entity ingress to pods app=web in namespace {ns} port 8080/tcp")
        else:
            even = i - i % 2
            ns = f"ns-{even:05d}"
            port = 8000 + even % 100
            # Denied by the source's egress (its namespace opens egress to
            # DNS and storage only); the request is parsed all the same.
            lines.append(
                f'expect deny from pods app=web in namespace {ns} to pods app=api in namespace {ns} port {port}/tcp http "GET /api/v1/orders"'
            )
    with open(os.path.join(root, "tests.netpol"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
