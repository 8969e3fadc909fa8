"""HTTPS against the real `roost serve --tls-cert --tls-key` (tls_context.hpp).

Certificates are made here with the openssl command line: a self-signed one for
127.0.0.1, and a second one to swap in with SIGHUP. Requests, long polls and the event
stream work over TLS with the same limits; TLS before 1.2 is refused; a reload changes the
certificate of new connections without dropping open ones; login cookies are Secure.
"""
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

from server_process import RoostServer

BINARY = None


def make_certificate(directory, name, common_name):
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=" + common_name, "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="roost-tls-")
        cls.cert, cls.key = make_certificate(cls.dir.name, "first", "roost first")
        cls.second_cert, cls.second_key = make_certificate(cls.dir.name, "second", "roost second")
        # The server reads the files named in its config; a reload re-reads those paths.
        cls.live_cert = os.path.join(cls.dir.name, "live.pem")
        cls.live_key = os.path.join(cls.dir.name, "live.key")
        for src, dst in ((cls.cert, cls.live_cert), (cls.key, cls.live_key)):
            with open(src, "rb") as f, open(dst, "wb") as g:
                g.write(f.read())
        cls.server = RoostServer(BINARY, ["home"], config={
            "tls_cert": cls.live_cert, "tls_key": cls.live_key, "long_poll_timeout_seconds": 5})
        cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.dir.cleanup()

    def context(self, cafile=None, maximum=None):
        ctx = ssl.create_default_context(cafile=cafile or self.cert)
        if maximum:
            ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            ctx.maximum_version = maximum
        return ctx

    def connection(self, cafile=None):
        return http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=30,
                                           context=self.context(cafile))

    def request(self, conn, method, path, body=None, headers=None):
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()

    def test_requests_over_tls_with_a_verified_certificate(self):
        conn = self.connection()
        status, _, data = self.request(conn, "POST", "/timelines/home/statuses.json",
                                       json.dumps({"id": "over-tls"}))
        self.assertEqual((status, json.loads(data)["count"]), (200, 1), data)
        status, _, data = self.request(conn, "GET", "/timelines/home/statuses.json")
        self.assertEqual(status, 200)
        self.assertIn("over-tls", [s["id"] for s in json.loads(data)["statuses"]])
        self.assertIn(conn.sock.version(), ("TLSv1.2", "TLSv1.3"))
        conn.close()

    def test_plain_http_and_old_tls_are_refused(self):
        with self.assertRaises(ssl.SSLError):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
                self.context(maximum=ssl.TLSVersion.TLSv1_1).wrap_socket(
                    raw, server_hostname="127.0.0.1")
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            self.assertNotIn(b"200 OK", raw.recv(4096))  # not answered as HTTP

    def test_long_polls_and_the_event_stream_work_over_tls(self):
        conn = self.connection()
        _, _, data = self.request(conn, "GET", "/timelines/home/updates/unacked_counts.json")
        total = json.loads(data)["unacked_counts"]["total"]
        waiter = self.connection()
        waiter.request("GET", "/timelines/home/updates/unacked_counts.json?total=%d" % total)
        stream = self.connection()
        stream.request("GET", "/timelines/home/changes",
                       headers={"Last-Event-ID": "0", "Accept": "text/event-stream"})
        events = stream.getresponse()
        self.assertEqual(events.status, 200)
        self.assertIn("text/event-stream", events.getheader("Content-Type"))
        self.request(conn, "POST", "/timelines/home/statuses.json", json.dumps({"id": "poll-1"}))
        answer = waiter.getresponse()
        self.assertEqual(json.loads(answer.read())["unacked_counts"]["total"], total + 1)
        seen = b""
        while b"poll-1" not in seen:
            chunk = events.fp.readline()
            self.assertTrue(chunk, "the event stream ended")
            seen += chunk
        for c in (conn, waiter, stream):
            c.close()

    def test_sighup_swaps_the_certificate_without_dropping_connections(self):
        before = self.connection()
        self.assertEqual(self.request(before, "GET", "/timelines/home/statuses.json")[0], 200)
        for src, dst in ((self.second_cert, self.live_cert), (self.second_key, self.live_key)):
            with open(src, "rb") as f, open(dst + ".tmp", "wb") as g:
                g.write(f.read())
            os.replace(dst + ".tmp", dst)
        self.server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while True:  # the reload runs on the server's signal thread: wait for its effect
            try:
                conn = self.connection(cafile=self.second_cert)
                conn.request("GET", "/timelines/home/statuses.json")
                self.assertEqual(conn.getresponse().status, 200)
                conn.close()
                break
            except ssl.SSLError:
                self.assertLess(time.monotonic(), deadline, "the new certificate never came")
                time.sleep(0.05)
        # The connection opened before the reload still works, on the old certificate.
        self.assertEqual(self.request(before, "GET", "/timelines/home/statuses.json")[0], 200)
        before.close()
        # The old certificate no longer verifies new connections.
        with self.assertRaises(ssl.SSLError):
            conn = self.connection(cafile=self.cert)
            conn.request("GET", "/")
        self.assertTrue(any("reloaded the TLS certificate" in l for l in self.server.stderr_lines))


class TlsLoginTest(unittest.TestCase):
    def test_login_cookies_are_secure_over_tls(self):
        with tempfile.TemporaryDirectory(prefix="roost-tls-login-") as d:
            cert, key = make_certificate(d, "c", "roost")
            uri = "sqlite:" + os.path.join(d, "store.sqlite3")
            subprocess.run([BINARY, "user", "add", "--storage", uri, "--name", "alice"],
                           input="a long password\n", text=True, check=True, capture_output=True)
            with RoostServer(BINARY, ["home"], storage=uri,
                             config={"tls_cert": cert, "tls_key": key}) as server:
                conn = http.client.HTTPSConnection(
                    "127.0.0.1", server.port, timeout=30,
                    context=ssl.create_default_context(cafile=cert))
                conn.request("POST", "/login", body="user=alice&password=a+long+password",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
                resp = conn.getresponse()
                resp.read()
                self.assertEqual(resp.status, 303)
                self.assertIn("; Secure", resp.getheader("Set-Cookie"))
                conn.close()

    def test_a_certificate_without_its_key_does_not_start(self):
        with tempfile.TemporaryDirectory(prefix="roost-tls-bad-") as d:
            cert, _ = make_certificate(d, "a", "a")
            _, other_key = make_certificate(d, "b", "b")
            result = subprocess.run([BINARY, "serve", "--listen", "127.0.0.1:0", "--storage",
                                     "memory:", "--tls-cert", cert, "--tls-key", other_key],
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 1)
            self.assertIn("cannot use the key file", result.stderr)
            self.assertIn("mismatch", result.stderr)
            result = subprocess.run([BINARY, "serve", "--storage", "memory:", "--tls-cert", cert],
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 1)
            self.assertIn("go together", result.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
