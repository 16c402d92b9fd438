"""The language server latency benchmark: time from a `didChange` to the
`publishDiagnostics` for it, on examples/platform and on a generated
repository of N namespaces (tests/bench/generate.py).

For each repository it starts `netpolc lsp` with the repository as the
workspace root, opens a file, waits for the first analysis, then ROUNDS
times sends a didChange that alternately introduces an error (an unknown
constant) and removes it, and waits for the publishDiagnostics of that
document version, checking the error appears and disappears. Each edit comes
after a pause (the server analyses a lone edit at once; it debounces edits
that come in a burst), so this measures one analysis of the whole
repository plus the protocol round trip. It then sends a burst of edits 5 ms
apart and reports the time from the last one to its diagnostics (the
debounced case).

Usage: python3 tests/bench/lsp_latency.py [BINARY] [N] [ROUNDS]
       (defaults: target/release/netpolc, 1000, 21)
Build the binary first: `cargo build --release`.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import queue

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def uri(path: str) -> str:
    return "file://" + os.path.abspath(path)


class Client:
    """A minimal LSP client over the server's stdio."""

    def __init__(self, binary: str, root: str):
        self.proc = subprocess.Popen(
            [binary, "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
        )
        self.messages: "queue.Queue[tuple[float, dict]]" = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            body = out.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict) -> float:
        """Sends a message; returns the time just before writing it."""
        message["jsonrpc"] = "2.0"
        body = json.dumps(message).encode()
        frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
        start = time.perf_counter()
        self.proc.stdin.write(frame)
        self.proc.stdin.flush()
        return start

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id)[1]

    def notify(self, method: str, params) -> float:
        return self.send({"method": method, "params": params})

    def wait(self, match, timeout: float = 120.0) -> tuple:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no matching message from the server")
            at, message = self.messages.get(timeout=left)
            if match(message):
                return at, message

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=10)


def published(doc: str, version: int):
    def match(message: dict) -> bool:
        params = message.get("params") or {}
        return (
            message.get("method") == "textDocument/publishDiagnostics"
            and params.get("uri") == doc
            and params.get("version") == version
        )

    return match


def bench(binary: str, root: str, path: str, rounds: int) -> dict:
    client = Client(binary, root)
    client.request(
        "initialize",
        {"processId": None, "rootUri": uri(root), "capabilities": {}},
    )
    client.notify("initialized", {})
    doc = uri(path)
    with open(path) as f:
        text = f.read()
    broken = text + "\nconst BENCH_BROKEN = $NO_SUCH_CONSTANT_ANYWHERE\n"
    start = client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": doc, "languageId": "netpol", "version": 1, "text": text}},
    )
    at, first = client.wait(published(doc, 1))
    initial = at - start
    assert not any(d.get("severity") == 1 for d in first["params"]["diagnostics"]), first
    times = []
    version = 1
    for round in range(rounds):
        time.sleep(0.1)
        version += 1
        new = broken if round % 2 == 0 else text
        sent = client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": doc, "version": version},
                "contentChanges": [{"text": new}],
            },
        )
        at, message = client.wait(published(doc, version))
        times.append((at - sent) * 1000)
        has_error = any(d.get("severity") == 1 for d in message["params"]["diagnostics"])
        assert has_error == (new is broken), message
    # A burst: 10 edits 5 ms apart; the time from the last one.
    time.sleep(0.1)
    for _ in range(10):
        version += 1
        sent = client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": doc, "version": version},
                "contentChanges": [{"text": broken if version % 2 else text}],
            },
        )
        time.sleep(0.005)
    at, _ = client.wait(published(doc, version))
    burst = (at - sent) * 1000
    client.close()
    return {
        "initial_ms": initial * 1000,
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "burst_ms": burst,
    }


def main() -> None:
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "target/release/netpolc")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 21
    binary = os.path.abspath(binary)
    platform = os.path.join(REPO, "examples/platform")
    results = [("examples/platform", bench(binary, platform, os.path.join(platform, "constants.netpol"), rounds))]
    with tempfile.TemporaryDirectory() as work:
        generated = os.path.join(work, "repo")
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), generated, str(n)], check=True)
        results.append(
            (f"generated, {n} namespaces", bench(binary, generated, os.path.join(generated, "common.netpol"), rounds))
        )
    print(f"netpolc lsp latency: didChange -> publishDiagnostics, {rounds} edits after a pause each")
    print(f"{'repository':32} {'first':>9} {'median':>9} {'min':>9} {'max':>9} {'burst':>9}")
    for name, r in results:
        print(
            f"{name:32} {r['initial_ms']:7.1f}ms {r['median_ms']:7.1f}ms {r['min_ms']:7.1f}ms"
            f" {r['max_ms']:7.1f}ms {r['burst_ms']:7.1f}ms"
        )


if __name__ == "__main__":
    main()
