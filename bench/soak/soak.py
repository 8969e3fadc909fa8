#!/usr/bin/env python3
"""Soak: a long run of mixed load against the real `roost serve`, sampling its health.

    bench/soak/soak.py BINARY --storage sqlite|lmdb [--minutes 30] [--json OUT]

For the whole run, paced client threads (all on loopback, every loop bounded by the run's
deadline) post statuses, ack, read JSON, HTML and Atom pages over keep-alive connections
that reconnect every few dozen requests, hold long polls on the unacked counts, follow the
change feed over Server-Sent Events from the current revision (checking that revisions
arrive in order without gaps) and reconnect, and mix in hostile requests: invalid UTF-8, NUL bytes, deep nesting,
oversized bodies, malformed HTTP, and half-sent requests abandoned mid-header.

Each minute it samples the server's resident memory and open descriptors from /proc, and
the latency (p50, p99) of the plain requests of that minute. At the end it prints a
Markdown table for docs/reliability.md, and exits 1 when the server died, answered any
5xx, an SSE stream skipped a revision, or memory or descriptors grew after warm-up
(last minute against the first minute after warm-up, with a margin for allocator noise).
"""
import argparse
import json
import os
import random
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "http"))
from server_process import RoostServer  # noqa: E402  (the tests' starter of the real binary)

def post(path, body):
    return (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % (path, len(body))) + body


HOSTILE = [
    b"GET /updates/unacked_counts.json?tl_%FF=x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /timelines/%FF/statuses.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /timelines/home/statuses.json?count=\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /timelines/home/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nLast-Event-ID: \xff\r\n\r\n",
    post(b"/timelines/home/statuses.json", b'{"id":"c4","text":"\xff\xfe"}'),
    post(b"/timelines/home/statuses.json", b'{"id":"a"}\x00{"id":"b"}'),
    post(b"/timelines/home/statuses.json", b'{"id":"s","text":"\xed\xa0\x80"}'),
    post(b"/timelines/home/ack.json", b'{"ids":1e999}'),
    post(b"/timelines/home/statuses.json", b"[" * 1005 + b"]" * 1005),
    post(b"/timelines/home/statuses.json", b"x" * (2 << 20)),  # over max_body_bytes
    b"THIS IS NOT HTTP\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Long: " + b"a" * 20000 + b"\r\n\r\n",
]


class Stats:
    """Per-minute latencies and counters, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {}
        self.counts = {"requests": 0, "5xx": 0, "client_errors": 0, "sse_events": 0,
                       "sse_gaps": 0, "sse_refused": 0, "long_polls": 0, "hostile": 0, "reconnects": 0}

    def record(self, kind, seconds, status):
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.counts["requests"] += 1
            if status >= 500:
                self.counts["5xx"] += 1

    def add(self, name, n=1):
        with self.lock:
            self.counts[name] += n

    def take_latencies(self):
        with self.lock:
            taken, self.latencies = self.latencies, {}
        return taken


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def status_text(i):
    return {"id": "soak-%d" % i, "text": "status %d " % i + "lorem ipsum " * 80,
            "busybird": {"level": i % 4}}


def paced(deadline, interval, body):
    """Runs body() every `interval` seconds until the deadline (bounded by time)."""
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            body()
        except (OSError, ValueError):
            pass  # a connection the server closed (hostile neighbours, limits); counted below
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


class Client:
    """A keep-alive connection that reconnects every `per_connection` requests."""

    def __init__(self, server, stats, per_connection=50):
        self.server, self.stats, self.per_connection = server, stats, per_connection
        self.conn, self.used = None, 0

    def request(self, kind, method, path, body=None):
        if self.conn is None or self.used >= self.per_connection:
            if self.conn is not None:
                self.conn.close()
                self.stats.add("reconnects")
            self.conn, self.used = self.server.connection(timeout=30), 0
        self.used += 1
        started = time.monotonic()
        try:
            status, _, data = self.server.request(method, path, body, conn=self.conn)
        except (OSError, ValueError):
            self.conn = None
            self.stats.add("client_errors")
            raise
        self.stats.record(kind, time.monotonic() - started, status)
        return status, data


def run(args):
    tmp = tempfile.TemporaryDirectory(prefix="roost-soak-")
    storage = {"sqlite": "sqlite:%s/soak.sqlite3", "lmdb": "lmdb:%s/soak"}[args.storage] % tmp.name
    server = RoostServer(args.binary, ["home", "alerts"], storage=storage,
                         config={"access_log": False, "long_poll_timeout_seconds": 10,
                                 "sse_heartbeat_seconds": 5, "max_body_bytes": 1 << 20})
    server.__enter__()
    stats = Stats()
    deadline = time.monotonic() + args.minutes * 60
    counter = iter(range(10 ** 12))
    counter_lock = threading.Lock()

    def next_id():
        with counter_lock:
            return next(counter)

    def poster():
        client = Client(server, stats)

        def body():
            batch = [status_text(next_id()) for _ in range(random.randint(1, 5))]
            client.request("post", "POST", "/timelines/%s/statuses.json" % random.choice(["home", "alerts"]), batch)
        paced(deadline, 0.05, body)

    def acker():
        client = Client(server, stats)

        def body():
            status, data = client.request("get", "GET", "/timelines/home/statuses.json?count=5&ack_state=unacked")
            statuses = json.loads(data).get("statuses", []) if status == 200 else []
            if statuses and random.random() < 0.5:
                client.request("ack", "POST", "/timelines/home/ack.json", {"ids": [s["id"] for s in statuses[:2]]})
            elif statuses:
                client.request("ack", "POST", "/timelines/home/ack.json", {"max_id": statuses[-1]["id"]})
        paced(deadline, 0.5, body)

    def reader():
        client = Client(server, stats)
        paths = ["/timelines/home/statuses.json?count=20", "/timelines/alerts/statuses.html?count=20",
                 "/timelines/home/statuses.atom", "/timelines/home/changes.json?since=0&limit=50",
                 "/timelines/home/updates/unacked_counts.json", "/"]
        paced(deadline, 0.02, lambda: client.request("get", "GET", random.choice(paths)))

    def long_poller():
        client = Client(server, stats, per_connection=5)

        def body():
            status, data = client.request("get", "GET", "/timelines/alerts/updates/unacked_counts.json")
            total = json.loads(data)["unacked_counts"]["total"] if status == 200 else 0
            # Held until the counts change or the idle bound answers it; not a latency.
            client.request("long_poll", "GET", "/timelines/alerts/updates/unacked_counts.json?total=%d" % total)
            stats.add("long_polls")
        paced(deadline, 0.0, body)

    def sse_follower():
        client = Client(server, stats)

        def body():
            # As a client does: learn the current revision, then follow from it. (Without
            # a cursor the stream starts at revision 0, which the log no longer holds once
            # it has been pruned: 410.)
            status, data = client.request("get", "GET", "/timelines/home/changes.json?limit=1&since=0")
            since = json.loads(data)["last_rev"]
            with socket.create_connection(("127.0.0.1", server.port), timeout=15) as s:
                s.sendall(b"GET /timelines/home/changes?since=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Accept: text/event-stream\r\n\r\n" % since)
                until = min(deadline, time.monotonic() + random.uniform(5, 30))
                buffer, last, answered = b"", since, False
                while time.monotonic() < until:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    # Only the first bytes are the answer's status line. (Telling it by an
                    # empty buffer and no event yet misfired: a heartbeat comment right
                    # after the headers empties the buffer before any event arrives.)
                    if not answered and not (buffer + chunk).startswith(b"HTTP/1.1 200"[:len(buffer + chunk)]):
                        stats.add("sse_refused")
                        print("refused stream: %r" % (buffer + chunk)[:300], file=sys.stderr, flush=True)
                        break
                    answered = answered or len(buffer + chunk) >= len(b"HTTP/1.1 200")
                    buffer += chunk
                    *events, buffer = buffer.split(b"\n\n")
                    for event in events:
                        for line in event.split(b"\n"):
                            if line.startswith(b"id: "):
                                rev = int(line[4:])
                                # One event per revision: anything but the next one is a
                                # change skipped or repeated.
                                if last is not None and rev != last + 1:
                                    stats.add("sse_gaps")
                                last = rev
                                stats.add("sse_events")
            stats.add("reconnects")
        paced(deadline, 0.0, body)

    def hostile():
        def body():
            data = random.choice(HOSTILE)
            with socket.create_connection(("127.0.0.1", server.port), timeout=15) as s:
                if random.random() < 0.2:
                    s.sendall(data[: len(data) // 2])  # half a request, then gone
                else:
                    s.sendall(data)
                    s.recv(4096)
            stats.add("hostile")
        paced(deadline, 0.2, body)

    workers = [poster, poster, acker, reader, reader, hostile] + [long_poller] * 10 + [sse_follower] * 4
    threads = [threading.Thread(target=w, daemon=True) for w in workers]
    for t in threads:
        t.start()

    samples = []
    started = time.monotonic()
    next_sample = started + 60
    while time.monotonic() < deadline:
        time.sleep(max(0.0, min(next_sample, deadline) - time.monotonic()))
        if server.proc.poll() is not None:
            break
        latencies = stats.take_latencies()
        plain = latencies.get("get", []) + latencies.get("post", []) + latencies.get("ack", [])
        with open("/proc/%d/status" % server.proc.pid) as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        sample = {
            "minute": round((time.monotonic() - started) / 60),
            "rss_mib": int(fields["VmRSS"].split()[0]) / 1024,
            "fds": len(os.listdir("/proc/%d/fd" % server.proc.pid)),
            "threads": int(fields["Threads"]),
            "requests": len(plain),
            "p50_ms": 1000 * (percentile(plain, 0.5) or 0),
            "p99_ms": 1000 * (percentile(plain, 0.99) or 0),
        }
        with stats.lock:
            sample.update({k: stats.counts[k] for k in ("5xx", "sse_events", "sse_gaps", "sse_refused",
                                                         "long_polls", "hostile")})
        samples.append(sample)
        print(json.dumps(sample), flush=True)
        next_sample += 60

    alive = server.proc.poll() is None
    for t in threads:
        t.join(timeout=60)
    server.__exit__(None, None, None)
    tmp.cleanup()
    return alive, samples, stats.counts


def verdict(alive, samples, counts, warmup):
    problems = []
    if not alive:
        problems.append("the server process ended")
    if counts["5xx"]:
        problems.append("%d answers were 5xx" % counts["5xx"])
    if counts["sse_refused"]:
        problems.append("%d event streams were refused" % counts["sse_refused"])
    if counts["sse_gaps"]:
        problems.append("%d SSE events skipped or repeated a revision" % counts["sse_gaps"])
    after = [s for s in samples if s["minute"] > warmup]
    if len(after) >= 2:
        first, last = after[0], after[-1]
        # Allocator arenas and SQLite's page cache settle in steps of a few MiB.
        if last["rss_mib"] > first["rss_mib"] * 1.15 + 8:
            problems.append("RSS grew from %.1f to %.1f MiB after warm-up" % (first["rss_mib"], last["rss_mib"]))
        if last["fds"] > first["fds"] + 20:
            problems.append("descriptors grew from %d to %d after warm-up" % (first["fds"], last["fds"]))
    return problems


def table(storage, samples):
    lines = ["| %s minute | RSS MiB | fds | threads | requests | p50 ms | p99 ms | SSE events (total) | long polls (total) | hostile (total) |" % storage,
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in samples:
        lines.append("| %d | %.1f | %d | %d | %d | %.2f | %.2f | %d | %d | %d |" % (
            s["minute"], s["rss_mib"], s["fds"], s["threads"], s["requests"], s["p50_ms"], s["p99_ms"],
            s["sse_events"], s["long_polls"], s["hostile"]))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--storage", choices=["sqlite", "lmdb"], required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warmup", type=int, default=5, help="minutes not judged for growth")
    parser.add_argument("--json", help="write the samples and the verdict here")
    args = parser.parse_args()
    alive, samples, counts = run(args)
    problems = verdict(alive, samples, counts, min(args.warmup, int(args.minutes) // 3))
    print(table(args.storage, samples))
    print("totals:", json.dumps(counts))
    print("verdict:", "; ".join(problems) if problems else "no growth, no failure")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"storage": args.storage, "samples": samples, "counts": counts, "problems": problems}, f, indent=1)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
