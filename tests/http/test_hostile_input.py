"""Hostile and careless input against the real `roost serve`: nothing a client sends may
stop the server, and every client mistake is a 4xx with a JSON message.

Each case sends what an attacker or a broken client would (invalid UTF-8 in every part of
a request, NUL bytes, absurd numbers, oversized bodies), then checks the answer and that
the same process still serves. Run per backend: the store must not matter.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import unittest

from server_process import RoostServer

BINARY = None

# The bodies of finding C2: invalid UTF-8 in a value, a key, after the document, CESU-8
# surrogates, overlong forms, Latin-1.
BAD_STATUS_BODIES = [
    b'{"id":"c4","text":"\xff\xfe"}',
    b'{"id":"o4","\xff":1}',
    b'{"id":"o5"} \xff',
    b'{"id":"s1","text":"\xed\xa0\x80"}',
    b'{"id":"s2","text":"\xc0\xaf"}',
    b'{"id":"l1","text":"caf\xe9"}',
    b'[{"id":"ok"},{"id":"\xff"}]',
    b'{"id":1e999}',
    b'{"id":"n1","busybird":{"level":1e999}}',
    b'{"id":"x","created_at":"\xff"}',
]
BAD_ACK_BODIES = [b'{"ids":"\xff"}', b'{"ids":["\xff"]}', b'{"max_id":"\xff"}', b'{"ids":1e999}',
                  b'{"ids":["a"]}\x00{"ids":["b"]}', b'\xff']


def raw_request(port, data, read_all=True):
    """Sends raw bytes; returns (status code, body bytes) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if not read_all:
                break
    reply = b"".join(chunks)
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


class HostileRequests:
    """The cases; mixed into one TestCase per backend below."""

    storage = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="roost-hostile-")
        storage = cls.storage.replace("TMP", cls.tmp.name)
        cls.server = RoostServer(BINARY, ["home", "tl"], storage=storage,
                                 config={"max_body_bytes": 65536, "max_json_depth": 8})
        cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()

    def assert_alive(self):
        self.assertIsNone(self.server.proc.poll(), "the server process ended: " +
                          "".join(self.server.stderr_lines[-5:]))
        status, _, _ = self.server.request("GET", "/timelines/home/statuses.json?count=1")
        self.assertEqual(status, 200)

    def assert_client_error(self, method, path, body=None, codes=(400,), headers=None):
        status, headers_out, data = self.server.request(method, path, body, headers=headers)
        self.assertIn(status, codes, data)
        if headers_out["content-type"].startswith("text/html"):
            self.assertIn(b'class="error"', data)  # statuses.html answers errors as HTML
            data.decode("utf-8")  # strict: must be UTF-8
        elif data != b"[]":
            message = json.loads(data.decode("utf-8"))["error"]  # strict: must be UTF-8
            self.assertTrue(message)
        self.assert_alive()
        return data

    def counts(self):
        return self.server.json("GET", "/timelines/home/updates/unacked_counts.json")[1]["unacked_counts"]

    def statuses(self):
        return self.server.json("GET", "/timelines/home/statuses.json?count=100")[1]["statuses"]

    def test_invalid_utf8_in_a_query_name_or_value(self):
        # C1: the GET that killed the server, then every parameter the API reads.
        self.assert_client_error("GET", "/updates/unacked_counts.json?tl_%FF=x")
        self.assert_client_error("GET", "/updates/unacked_counts.json?tl_home=%FF")
        self.assert_client_error("GET", "/updates/unacked_counts.json?tl_home=0&level=%FF")
        for query in ["count=%FF", "ack_state=%FF", "max_id=%FF%FE&count=x", "only_statuses=1&count=%FF"]:
            self.assert_client_error("GET", "/timelines/home/statuses.json?" + query)
        for query in ["total=%FF", "0=%FF", "%FF=1&total=x"]:
            self.assert_client_error("GET", "/timelines/home/updates/unacked_counts.json?" + query)
        for query in ["since=%FF", "limit=%FF", "wait=%ED%A0%80"]:
            self.assert_client_error("GET", "/timelines/home/changes.json?" + query)

    def test_invalid_utf8_in_a_timeline_name_on_every_route(self):
        for path in ["/timelines/%FF/statuses.json", "/timelines/%FF/statuses.html",
                     "/timelines/%FF/statuses.atom", "/timelines/%FF/changes.json",
                     "/timelines/%FF/updates/unacked_counts.json", "/timelines/%FF/",
                     "/timelines/%C0%AF/statuses.json", "/static/%FF"]:
            self.assert_client_error("GET", path, codes=(404,))
        for path in ["/timelines/%FF/statuses.json", "/timelines/%FF/ack.json",
                     "/timelines/%FF/unack.json"]:
            self.assert_client_error("POST", path, b"{}", codes=(404,))

    def test_invalid_utf8_in_raw_request_bytes(self):
        cases = [
            b"GET /timelines/home/statuses.json?count=\xff HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            b"GET /timelines/\xff/statuses.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            b"GET /timelines/home/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            b"Last-Event-ID: \xff\xfe\r\nConnection: close\r\n\r\n",
            b"GET /timelines/home/statuses.json HTTP/1.1\r\nHost: \xff\r\nX-\xff: \xfe\r\n"
            b"Connection: close\r\n\r\n",
            b"\xff\xfe / HTTP/1.1\r\n\r\n",
        ]
        for data in cases:
            status, body = raw_request(self.server.port, data)
            self.assertLess(status, 500, data)
            if status >= 400:
                json.loads(body.decode("utf-8"))
            self.assert_alive()

    def test_bad_bodies_are_refused_and_change_nothing(self):
        before = (self.counts(), self.statuses())
        for body in BAD_STATUS_BODIES:
            with self.subTest(body=body):
                self.assert_client_error("POST", "/timelines/home/statuses.json", body)
        for body in BAD_ACK_BODIES:
            with self.subTest(body=body):
                self.assert_client_error("POST", "/timelines/home/ack.json", body)
                self.assert_client_error("POST", "/timelines/home/unack.json", body)
        self.assertEqual((self.counts(), self.statuses()), before)

    def test_a_nul_byte_never_hides_the_rest_of_a_body(self):
        # D2: {"id":"a"}\0{"id":"b"} was answered 200 with b silently dropped.
        before = self.statuses()
        self.assert_client_error("POST", "/timelines/home/statuses.json", b'{"id":"a"}\x00{"id":"b"}')
        self.assert_client_error("POST", "/timelines/home/statuses.json", b'{"id":"a\x00b"}')
        self.assertEqual(self.statuses(), before)

    def test_the_depth_limit_is_exact(self):
        # W4: max_json_depth 8 accepts a status 8 levels deep, refuses 9; a list adds none.
        def status(depth, ident):
            return '{"id":"%s","t":%s%s}' % (ident, "[" * (depth - 1), "]" * (depth - 1))
        self.assertEqual(self.server.request("POST", "/timelines/tl/statuses.json", status(8, "d8"))[0], 200)
        self.assertEqual(self.server.request("POST", "/timelines/tl/statuses.json",
                                             "[" + status(8, "d8l") + "]")[0], 200)
        message = self.assert_client_error("POST", "/timelines/tl/statuses.json", status(9, "d9"))
        self.assertIn(b"deeper than 8 levels", message)
        self.assert_client_error("POST", "/timelines/tl/statuses.json", "[" + status(9, "d9l") + "]")

    def test_an_oversized_body_gets_its_413_even_while_the_client_sends(self):
        # W8: the 413 used to be written and the socket closed at once, so a client still
        # sending saw a broken pipe and never the answer.
        body = b"[" + b'{"id":"x"},' * 400000 + b'{"id":"y"}]'  # 4.4 MB against 64 KiB
        head = (b"POST /timelines/home/statuses.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        status, reply = raw_request(self.server.port, head + body)
        self.assertEqual(status, 413)
        self.assertIn(b"exceeds the limit", reply)
        self.assert_alive()


class MemoryHostileTest(HostileRequests, unittest.TestCase):
    storage = "memory:"


class SqliteHostileTest(HostileRequests, unittest.TestCase):
    storage = "sqlite:TMP/store.sqlite3"


class LmdbHostileTest(HostileRequests, unittest.TestCase):
    storage = "lmdb:TMP/store"


class ConfigBoundsTest(unittest.TestCase):
    """C6: settings past what the server can act on stop it before it listens, clearly."""

    def refused(self, config):
        with tempfile.TemporaryDirectory(prefix="roost-config-") as d:
            path = os.path.join(d, "config.json")
            with open(path, "w") as f:
                json.dump(dict(config, listen="127.0.0.1:0", storage="memory:"), f)
            proc = subprocess.run([BINARY, "serve", "--config", path], capture_output=True,
                                  timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        return proc.stderr.decode("utf-8")

    def test_absurd_settings_are_refused(self):
        self.assertIn("max_json_depth", self.refused({"max_json_depth": 1000000}))
        self.assertIn("io_threads", self.refused({"io_threads": 100000}))
        self.assertIn("worker_threads", self.refused({"worker_threads": 100000}))
        self.assertIn("read_timeout_seconds", self.refused({"read_timeout_seconds": 10 ** 18}))
        self.assertIn("max_body_bytes", self.refused({"max_body_bytes": 10 ** 15}))
        self.assertIn("not valid JSON", self.refused({"page_size": float("inf")}))

    def test_a_config_file_that_is_not_json_is_reported_in_utf8(self):
        with tempfile.TemporaryDirectory(prefix="roost-config-") as d:
            path = os.path.join(d, "config.json")
            with open(path, "wb") as f:
                f.write(b'{"listen":"\xff"}')
            proc = subprocess.run([BINARY, "serve", "--config", path], capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("not valid JSON", proc.stderr.decode("utf-8"))


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
