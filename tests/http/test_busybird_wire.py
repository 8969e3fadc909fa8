"""The wire format as BusyBird 0.12's clients expect it (docs/design.md, "BusyBird's wire
format").

BusyBird clients read JSON answers as bytes: every BusyBird endpoint answers ASCII.

A client built on HTTP::Message takes a JSON body as bytes, which works with BusyBird only
because its encoder escapes every non-ASCII character. This client does the same: it reads
each body as Latin-1, refuses any byte above 0x7F, decodes the \\u escapes itself, and must
get back exactly the ids, texts and timeline names it posted. The stored texts stay UTF-8:
`roost export` shows the same characters unescaped.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

from server_process import RoostServer

BINARY = None
TIMELINE = "タイムライン 壱"
STATUSES = [
    {"id": "弐", "text": "日本語のテキスト"},
    {"id": "🐦-astral", "text": "emoji 🐦🎉 and a flag 🇯🇵"},
    {"id": "combining-e\u0301", "text": "cafe\u0301 vs caf\u00e9, \u2028 line separator"},
    {"id": "ascii", "text": "plain"},
]


def as_busybird_client(data):
    """The body as a byte-reading client sees it: Latin-1, ASCII only, then JSON."""
    text = data.decode("latin-1")
    high = [c for c in text if ord(c) > 0x7F]
    if high:
        raise AssertionError("non-ASCII bytes in the answer: %r" % "".join(high[:10]))
    return json.loads(text)


class BusyBirdBytesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="roost-bytes-")
        cls.storage = "sqlite:%s/store.sqlite3" % cls.tmp.name
        cls.server = RoostServer(BINARY, [TIMELINE, "home"], storage=cls.storage)
        cls.server.__enter__()
        cls.path = "/timelines/%s" % urllib.parse.quote(TIMELINE, safe="")
        status, _, data = cls.server.request("POST", cls.path + "/statuses.json",
                                             json.dumps(STATUSES, ensure_ascii=False).encode("utf-8"))
        assert status == 200, data
        assert as_busybird_client(data) == {"error": None, "count": len(STATUSES)}

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()

    def get(self, path):
        status, headers, data = self.server.request("GET", path)
        self.assertEqual(headers["content-type"], "application/json; charset=utf-8")
        return status, as_busybird_client(data)

    def test_statuses_come_back_exactly_as_posted(self):
        status, body = self.get(self.path + "/statuses.json?count=10")
        self.assertEqual(status, 200)
        got = {s["id"]: s["text"] for s in body["statuses"]}
        self.assertEqual(got, {s["id"]: s["text"] for s in STATUSES})
        status, bare = self.get(self.path + "/statuses.json?count=10&only_statuses=1")
        self.assertEqual(sorted(s["id"] for s in bare), sorted(s["id"] for s in STATUSES))

    def test_unacked_counts_name_the_timeline_in_ascii(self):
        status, body = self.get("/updates/unacked_counts.json?tl_%s=0&tl_home=5" %
                                urllib.parse.quote(TIMELINE, safe=""))
        self.assertEqual(status, 200)
        unacked = len(self.get(self.path + "/statuses.json?count=10&ack_state=unacked")[1]["statuses"])
        self.assertIn(TIMELINE, body["unacked_counts"])
        self.assertEqual(body["unacked_counts"][TIMELINE]["total"], unacked)
        status, body = self.get(self.path + "/updates/unacked_counts.json")
        self.assertEqual(body["unacked_counts"]["total"], unacked)

    def test_ack_and_error_answers_are_ascii(self):
        status, _, data = self.server.request("POST", self.path + "/ack.json",
                                              json.dumps({"ids": ["弐"]}, ensure_ascii=False).encode())
        self.assertEqual((status, as_busybird_client(data)), (200, {"error": None, "count": 1}))
        status, body = self.get("/timelines/%s/statuses.json" % urllib.parse.quote("未知の", safe=""))
        self.assertEqual(status, 404)
        self.assertIn("未知の", body["error"])
        status, _, data = self.server.request("POST", self.path + "/statuses.json",
                                              json.dumps({"id": "弐", "created_at": "昨日"}, ensure_ascii=False).encode())
        self.assertEqual(status, 400)
        self.assertIn("昨日", as_busybird_client(data)["error"])

    def test_stored_texts_stay_utf8(self):
        out = subprocess.run([BINARY, "export", "--storage", self.storage, "--timeline", TIMELINE],
                             capture_output=True, timeout=60, check=True).stdout
        self.assertIn("日本語のテキスト".encode("utf-8"), out)
        self.assertIn("🐦🎉".encode("utf-8"), out)
        self.assertNotIn(b"\\u65e5", out)


class BusyBirdRequestsTest(unittest.TestCase):
    """Requests as BusyBird's tutorial and scripts send them."""

    @classmethod
    def setUpClass(cls):
        cls.server = RoostServer(BINARY, ["home"])
        cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_curl_d_posts_json_as_a_form_body(self):
        # `curl -d '{"id":...}'` sends Content-Type: application/x-www-form-urlencoded;
        # BusyBird decodes the body as JSON whatever its type, and so does Roost.
        status, _, data = self.server.request(
            "POST", "/timelines/home/statuses.json", '{"id":"form-1","text":"from curl -d"}',
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((status, json.loads(data)), (200, {"error": None, "count": 1}))

    def test_an_empty_ack_body_acks_everything(self):
        self.server.request("POST", "/timelines/home/statuses.json", [{"id": "e1"}, {"id": "e2"}])
        status, _, data = self.server.request("POST", "/timelines/home/ack.json", "",
                                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200)
        self.assertGreaterEqual(json.loads(data)["count"], 2)
        counts = self.server.json("GET", "/timelines/home/updates/unacked_counts.json")[1]
        self.assertEqual(counts["unacked_counts"], {"total": 0})

    def test_http_1_0_gets_a_whole_answer_and_a_closed_connection(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as s:
            s.sendall(b"GET /timelines/home/statuses.json?count=1 HTTP/1.0\r\n\r\n")
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break  # the server closed: HTTP/1.0 without keep-alive
                reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
        self.assertIn(b"Content-Length: %d" % len(body), head)
        self.assertIsNone(json.loads(body)["error"])

    def test_statuses_html_answers_its_errors_as_html(self):
        status, headers, data = self.server.request("GET", "/timelines/nope/statuses.html")
        self.assertEqual(status, 404)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertIn(b'<p class="error">unknown timeline &quot;nope&quot;</p>', data)
        status, headers, data = self.server.request("GET", "/timelines/home/statuses.html?count=x")
        self.assertEqual(status, 400)
        self.assertIn(b"count must be a positive integer", data)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
