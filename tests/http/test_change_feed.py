"""The change feed (changes.json, the Server-Sent Events stream) and the Atom feed, through
real sockets against the real binary. Usage: python3 test_change_feed.py PATH/TO/roost"""
import json
import re
import socket
import sys
import time
import unittest
import xml.etree.ElementTree as ET

from server_process import RoostServer, tl

BINARY = None
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class EventStream:
    """A Server-Sent Events client on a raw socket, so that tests control reading."""

    def __init__(self, port, path, headers=None, rcvbuf=None, timeout=10):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1", "Accept: text/event-stream"]
        lines += ["%s: %s" % kv for kv in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the response header")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *fields = head.decode().split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {k.lower(): v.strip() for k, v in (f.split(":", 1) for f in fields)}
        self.comments = 0

    def body(self):
        """The rest of a non-stream answer (error bodies carry a Content-Length)."""
        length = int(self.headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self.buffer += self.sock.recv(65536)
        return self.buffer[:length]

    def next_event(self):
        """The next event as (id, parsed data); comments are counted and skipped."""
        while True:
            while b"\n\n" not in self.buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise EOFError("the server ended the stream")
                self.buffer += chunk
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            fields = {}
            for line in block.decode().split("\n"):
                if line.startswith(":"):
                    self.comments += 1
                    continue
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value
            if "data" in fields:
                return int(fields["id"]), json.loads(fields["data"])

    def close(self):
        self.sock.close()


def statuses(prefix, n, size=0):
    return [{"id": "%s-%d" % (prefix, i), "text": "x" * size} for i in range(n)]


class ChangeFeedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = RoostServer(BINARY, ["home", "odd/tl é", "quiet"],
                                 config={"long_poll_timeout_seconds": 2, "sse_heartbeat_seconds": 1,
                                         "access_log": False})
        cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def post(self, name, body):
        status, answer = self.server.json("POST", "/timelines/%s/statuses.json" % tl(name), body)
        self.assertEqual(status, 200, answer)
        return answer["count"]

    def changes(self, name, query=""):
        status, body = self.server.json("GET", "/timelines/%s/changes.json%s" % (tl(name), query))
        self.assertEqual(status, 200, body)
        self.assertIsNone(body["error"])
        return body

    def last_rev(self, name):
        return self.changes(name, "?limit=1")["last_rev"]

    # --- changes.json -------------------------------------------------------------------

    def test_changes_json_lists_every_kind_of_change(self):
        name = "odd/tl é"
        start = self.last_rev(name)
        self.post(name, [{"id": "c1", "text": "one"}, {"id": "c2"}])
        self.server.request("POST", "/timelines/%s/ack.json" % tl(name), {"ids": ["c1"]})
        body = self.changes(name, "?since=%d" % start)
        self.assertEqual([c["rev"] for c in body["changes"]], [start + 1, start + 2, start + 3])
        self.assertEqual([c["op"] for c in body["changes"]], ["insert", "insert", "ack"])
        self.assertEqual(body["changes"][0]["status"]["text"], "one")
        self.assertEqual(body["changes"][2]["id"], "c1")
        self.assertIsInstance(body["changes"][2]["acked_at"], str)
        self.assertEqual(body["last_rev"], start + 3)
        self.assertEqual(len(self.changes(name, "?since=%d&limit=2" % start)["changes"]), 2)

    def test_bad_parameters_are_400_and_unknown_timelines_404(self):
        for query in ["?since=-1", "?since=abc", "?limit=0", "?limit=10001", "?wait=x", "?wait=-3"]:
            status, body = self.server.json("GET", "/timelines/home/changes.json" + query)
            self.assertEqual(status, 400, query)
            self.assertIsInstance(body["error"], str)
        status, body = self.server.json("GET", "/timelines/nope/changes.json")
        self.assertEqual(status, 404)
        stream = EventStream(self.server.port, "/timelines/home/changes", {"Last-Event-ID": "seven"})
        self.assertEqual(stream.status, 400)
        self.assertIsInstance(json.loads(stream.body())["error"], str)
        stream.close()

    def test_long_poll_returns_when_a_change_is_posted_from_another_connection(self):
        rev = self.last_rev("home")
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(("GET /timelines/home/changes.json?since=%d&wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Connection: close\r\n\r\n" % rev).encode())
            s.settimeout(0.3)
            with self.assertRaises(socket.timeout):  # held: nothing changed yet
                s.recv(1)
            s.settimeout(10)
            self.post("home", [{"id": "wake-%d" % time.time_ns()}])
            answer = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        head, body = answer.split(b"\r\n\r\n", 1)
        self.assertIn(b" 200 ", head.split(b"\r\n")[0])
        body = json.loads(body)
        self.assertEqual([c["rev"] for c in body["changes"]], [rev + 1])
        self.assertEqual(body["changes"][0]["op"], "insert")

    def test_idle_long_poll_is_answered_empty_at_the_server_bound(self):
        rev = self.last_rev("quiet")
        began = time.monotonic()
        body = self.changes("quiet", "?since=%d&wait=600" % rev)  # bound: 2 s
        self.assertLess(time.monotonic() - began, 30)
        self.assertEqual(body, {"error": None, "changes": [], "last_rev": rev})

    # --- the event stream ---------------------------------------------------------------

    def test_event_stream_needs_the_accept_header(self):
        status, headers, data = self.server.request("GET", "/timelines/home/changes")
        self.assertEqual(status, 406)
        self.assertIsInstance(json.loads(data)["error"], str)

    def test_stream_disconnected_and_resumed_gets_every_change_exactly_once(self):
        name = "home"
        start = self.last_rev(name)
        self.post(name, statuses("before-%d" % time.time_ns(), 1500))  # more than one page
        stream = EventStream(self.server.port, "/timelines/home/changes?since=%d" % start)
        self.assertEqual(stream.status, 200)
        self.assertTrue(stream.headers["content-type"].startswith("text/event-stream"))
        got = []
        for _ in range(1500):
            rev, data = stream.next_event()
            self.assertEqual(data["rev"], rev)
            got.append(rev)
        self.post(name, statuses("live-%d" % time.time_ns(), 3))
        for _ in range(3):
            got.append(stream.next_event()[0])
        stream.close()
        self.post(name, statuses("away-%d" % time.time_ns(), 4))  # while disconnected
        # EventSource reconnects to the same URL and names its last event.
        stream = EventStream(self.server.port, "/timelines/home/changes?since=%d" % start,
                             {"Last-Event-ID": str(got[-1])})
        self.assertEqual(stream.status, 200)
        for _ in range(4):
            got.append(stream.next_event()[0])
        self.post(name, statuses("back-%d" % time.time_ns(), 2))
        for _ in range(2):
            got.append(stream.next_event()[0])
        stream.close()
        self.assertEqual(got, list(range(start + 1, start + 1 + 1509)))
        self.assertEqual(self.last_rev(name), got[-1])

    def test_stream_events_match_changes_json_and_heartbeats_arrive(self):
        name = "odd/tl é"
        start = self.last_rev(name)
        stream = EventStream(self.server.port, "/timelines/%s/changes?since=%d" % (tl(name), start))
        self.post(name, [{"id": "h-%d" % time.time_ns(), "text": "<é & \"q\">"}])
        rev, data = stream.next_event()
        self.assertEqual(data, self.changes(name, "?since=%d" % start)["changes"][0])
        # Nothing more changes: the next thing on the wire is a heartbeat (every 1 s here).
        stream.sock.settimeout(10)
        while stream.comments == 0:
            chunk = stream.sock.recv(65536)
            self.assertTrue(chunk)
            stream.buffer += chunk
            if b"\n\n" in stream.buffer:
                block, stream.buffer = stream.buffer.split(b"\n\n", 1)
                self.assertTrue(block.startswith(b":"), block)
                stream.comments += 1
        stream.close()


class RetentionTest(unittest.TestCase):
    def test_stale_cursor_is_410_for_both_forms(self):
        with RoostServer(BINARY, ["home"], config={"change_retention": 5}) as server:
            server.json("POST", "/timelines/home/statuses.json", statuses("r", 10))
            status, body = server.json("GET", "/timelines/home/changes.json?since=2")
            self.assertEqual(status, 410)
            self.assertIsInstance(body["error"], str)
            self.assertEqual(body["last_rev"], 10)
            status, body = server.json("GET", "/timelines/home/changes.json?since=99")
            self.assertEqual(status, 410)
            status, body = server.json("GET", "/timelines/home/changes.json?since=5")
            self.assertEqual((status, len(body["changes"])), (200, 5))
            stream = EventStream(server.port, "/timelines/home/changes", {"Last-Event-ID": "1"})
            self.assertEqual(stream.status, 410)
            self.assertIsInstance(json.loads(stream.body())["error"], str)
            stream.close()


class BackPressureTest(unittest.TestCase):
    def test_a_client_that_does_not_read_is_dropped_and_memory_stays_bounded(self):
        config = {"sse_buffer_bytes": 65536, "soft_max": 20, "change_retention": 20,
                  "access_log": False}
        with RoostServer(BINARY, ["home"], config=config) as server:
            stalled = EventStream(server.port, "/timelines/home/changes", rcvbuf=4096)
            self.assertEqual(stalled.status, 200)
            rss_before = rss_kib(server.proc.pid)
            posted = 0
            for i in range(120):  # 120 x 10 statuses of 50 kB: 60 MB of events
                body = statuses("big-%d" % i, 10, size=50000)
                server.json("POST", "/timelines/home/statuses.json", body)
                posted += len(json.dumps(body))
            # The server kept serving everyone else...
            status, _ = server.json("GET", "/timelines/home/statuses.json?count=1")
            self.assertEqual(status, 200)
            growth = rss_kib(server.proc.pid) - rss_before
            # ...did not keep the stalled client's 60 MB (it may cache some freed memory;
            # AddressSanitizer keeps up to 256 MB of it in quarantine on purpose)...
            if not sanitized(server.proc.pid):
                self.assertLess(growth * 1024, posted / 3, "RSS grew by %d KiB" % growth)
            # ...and ended its stream: what is left in the kernel's buffers, then EOF.
            received = len(stalled.buffer)
            stalled.sock.settimeout(30)
            try:
                while True:
                    chunk = stalled.sock.recv(1 << 20)
                    if not chunk:
                        break
                    received += len(chunk)
            except ConnectionResetError:
                pass
            self.assertLess(received, posted / 4)
            stalled.close()


def sanitized(pid):
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class AtomTest(unittest.TestCase):
    def test_atom_feed_is_valid_and_escapes_status_text(self):
        with RoostServer(BINARY, ["home", "a/b é"]) as server:
            name = "a/b é"
            tricky = "<b>bold</b> & \"quotes\" 'single' caf\u00e9 \U0001F426 ]]> \u0001"
            server.json("POST", "/timelines/%s/statuses.json" % tl(name), [
                {"id": "s1", "text": "first", "created_at": "Thu May 16 12:56:01 +0000 2013",
                 "busybird": {"status_permalink": "https://example.com/s/1?a=1&b=2"}},
                {"id": "s2 <&>", "text": tricky, "created_at": "2013-05-16T21:56:02+09:00",
                 "user": {"screen_name": "bird"}},
                {"id": "s3", "created_at": "2013-05-16T12:56:03Z"}])
            server.json("POST", "/timelines/%s/ack.json" % tl(name), {"ids": ["s3"]})
            status, headers, data = server.request("GET", "/timelines/%s/statuses.atom" % tl(name))
            self.assertEqual(status, 200)
            self.assertEqual(headers["content-type"], "application/atom+xml; charset=utf-8")
            feed = ET.fromstring(data)  # well-formed, or this raises
            self.assertEqual(feed.tag, ATOM + "feed")
            for child in ["id", "title", "updated", "author"]:
                self.assertIsNotNone(feed.find(ATOM + child), child)
            self.assertRegex(feed.find(ATOM + "updated").text, RFC3339)
            rels = {link.get("rel"): link.get("href") for link in feed.findall(ATOM + "link")}
            self.assertTrue(rels["self"].endswith("/statuses.atom"))
            self.assertIn("alternate", rels)
            entries = feed.findall(ATOM + "entry")
            self.assertEqual(len(entries), 3)
            by_title = {}
            for entry in entries:
                for child in ["id", "title", "updated", "content", "link"]:
                    self.assertIsNotNone(entry.find(ATOM + child), child)
                self.assertRegex(entry.find(ATOM + "updated").text, RFC3339)
                self.assertTrue(entry.find(ATOM + "id").text.startswith("tag:"))
                by_title[entry.find(ATOM + "title").text] = entry
            # Newest first; text comes back exactly, except U+0001, which XML cannot carry.
            expected = tricky.replace("\u0001", "\ufffd")
            self.assertEqual(entries[0].find(ATOM + "content").text, expected)
            self.assertEqual(entries[0].find(ATOM + "author/" + ATOM + "name").text, "bird")
            self.assertEqual(entries[0].find(ATOM + "updated").text, "2013-05-16T12:56:02Z")
            self.assertEqual(by_title["first"].find(ATOM + "link").get("href"),
                             "https://example.com/s/1?a=1&b=2")
            acked = by_title["Status s3"]
            self.assertNotEqual(acked.find(ATOM + "updated").text, "2013-05-16T12:56:03Z")
            ids = [e.find(ATOM + "id").text for e in entries]
            self.assertEqual(len(set(ids)), 3)
            # Stable ids; count works like statuses.json.
            status, _, again = server.request("GET", "/timelines/%s/statuses.atom?count=1" % tl(name))
            one = ET.fromstring(again).findall(ATOM + "entry")
            self.assertEqual([e.find(ATOM + "id").text for e in one], ids[:1])
            self.assertEqual(server.request("GET", "/timelines/home/statuses.atom?count=x")[0], 400)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
