"""Starts the real `roost serve` binary on a free loopback port for the HTTP tests."""
import json
import os
import re
import resource
import signal
import subprocess
import tempfile
import threading
import http.client
import urllib.parse


_servers_started = 0


def default_storage():
    """memory:, or ROOST_TEST_STORAGE with {unique} replaced by a name no other server of
    this run uses (the PostgreSQL runs of these tests give every server a fresh schema)."""
    global _servers_started
    _servers_started += 1
    template = os.environ.get("ROOST_TEST_STORAGE", "memory:")
    return template.replace("{unique}", "http_%d_%d" % (os.getpid(), _servers_started))


class RoostServer:
    """A running `roost serve`; use as a context manager."""

    def __init__(self, binary, timelines, config=None, storage=None, fd_limit=None):
        storage = storage or default_storage()
        self.binary = binary
        self.fd_limit = fd_limit  # RLIMIT_NOFILE of the server process, when set
        self.dir = tempfile.TemporaryDirectory(prefix="roost-http-")
        cfg = {"listen": "127.0.0.1:0", "storage": storage, "timelines": timelines,
               "access_log": True}
        cfg.update(config or {})
        self.config_path = os.path.join(self.dir.name, "config.json")
        with open(self.config_path, "w", encoding="utf-8") as f:
            json.dump(cfg, f)
        self.proc = None
        self.port = None

    def __enter__(self):
        # The access log goes to a file: a pipe nobody reads would fill and block the server.
        self.access_log = open(os.path.join(self.dir.name, "access.log"), "w")
        limit = self.fd_limit
        preexec = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))) \
            if limit else None
        self.proc = subprocess.Popen([self.binary, "serve", "--config", self.config_path],
                                     stdout=self.access_log, stderr=subprocess.PIPE, text=True,
                                     preexec_fn=preexec)
        # The server prints its address once it is listening; nothing else to wait for.
        self.stderr_lines = []
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            match = re.search(r"listening on https?://[^/]*:(\d+)/", line)
            if match:
                self.port = int(match.group(1))
                break
        if self.port is None:
            raise RuntimeError("server did not start: " + "".join(self.stderr_lines))
        # Keep draining stderr so that the server never blocks on it.
        self.drain = threading.Thread(target=lambda: self.stderr_lines.extend(self.proc.stderr),
                                      daemon=True)
        self.drain.start()
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.drain.join(timeout=30)
        self.proc.stderr.close()
        self.access_log.close()
        self.dir.cleanup()

    def cpu_seconds(self):
        """User + system CPU time the server process has used so far."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def connection(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        """Sends one request; returns (status, headers dict, body bytes)."""
        own = conn is None
        conn = conn or self.connection()
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        result = (resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        if own:
            conn.close()
        return result

    def json(self, method, path, body=None):
        status, headers, data = self.request(method, path, body)
        return status, json.loads(data)


def tl(name):
    """A timeline name as a path segment."""
    return urllib.parse.quote(name, safe="")
