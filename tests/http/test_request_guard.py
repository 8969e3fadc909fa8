"""Cross-site writes and foreign Hosts against the real `roost serve` (request_guard.hpp).

A browser on another site can make requests to a local server: a form POST with an empty
body, a fetch() with a text/plain JSON body, a DNS-rebinding page whose name now points at
127.0.0.1. Each is refused before anything changes; curl-style clients without Origin or
Sec-Fetch-* headers, and the viewer's own same-origin requests, keep working.
"""
import json
import socket
import sys
import unittest

from server_process import RoostServer

BINARY = None


def raw(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
            if b"\r\n\r\n" in reply and b"text/event-stream" in reply:
                break  # a stream that was accepted stays open
    return int(reply.split(b" ")[1]), reply


class RequestGuardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = RoostServer(BINARY, ["home"], config={"public_hosts": ["roost.example.com"]})
        cls.server.__enter__()
        cls.origin = "http://127.0.0.1:%d" % cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def setUp(self):
        self.post_status("guard-%s" % self.id())

    def post_status(self, ident, headers=None):
        return self.server.request("POST", "/timelines/home/statuses.json", {"id": ident},
                                   headers=headers)

    def state(self):
        statuses = self.server.json("GET", "/timelines/home/statuses.json?count=100")[1]["statuses"]
        return sorted((s["id"], s.get("busybird", {}).get("acked_at")) for s in statuses)

    def assert_refused(self, path, body, headers, code=403):
        before = self.state()
        status, _, data = self.server.request("POST", path, body, headers=headers)
        self.assertEqual(status, code, data)
        self.assertIn("error", json.loads(data))
        self.assertEqual(self.state(), before)
        return json.loads(data)["error"]

    def test_a_cross_site_form_post_with_an_empty_body_acks_nothing(self):
        message = self.assert_refused("/timelines/home/ack.json", "", {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example",
            "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
        self.assertIn("cross-site", message)

    def test_a_cross_site_text_plain_post_injects_nothing(self):
        self.assert_refused("/timelines/home/statuses.json", '{"id":"injected"}', {
            "Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
        # An older browser without Sec-Fetch-*: Origin alone decides.
        self.assert_refused("/timelines/home/statuses.json", '{"id":"injected"}', {
            "Content-Type": "text/plain", "Origin": "http://evil.example"})
        self.assert_refused("/timelines/home/statuses.json", '{"id":"injected"}', {"Origin": "null"})
        # And un-acking, which puts statuses back.
        self.assert_refused("/timelines/home/unack.json", '{"ids": ["x"]}', {
            "Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
        # Another web application on this machine is "same-site" and refused too.
        self.assert_refused("/timelines/home/ack.json", "{}", {
            "Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-site"})

    def test_same_origin_and_non_browser_writes_pass(self):
        status, _, _ = self.post_status("viewer-1", {"Origin": self.origin, "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(status, 200)
        status, _, _ = self.post_status("viewer-2", {"Origin": self.origin.upper().replace("HTTP", "http")})
        self.assertEqual(status, 200)
        status, _, _ = self.post_status("curl-1")  # no Origin, no Sec-Fetch-*
        self.assertEqual(status, 200)
        ids = [i for i, _ in self.state()]
        for ident in ("viewer-1", "viewer-2", "curl-1"):
            self.assertIn(ident, ids)

    def test_a_foreign_host_is_refused_on_every_endpoint(self):
        port = self.server.port
        for request in [
            b"GET /timelines/home/statuses.json HTTP/1.1\r\nHost: evil.example:%d\r\n\r\n" % port,
            b"GET /timelines/home/updates/unacked_counts.json?total=999 HTTP/1.1\r\nHost: evil.example\r\n\r\n",
            b"GET /timelines/home/changes HTTP/1.1\r\nHost: evil.example\r\nAccept: text/event-stream\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: rebound.example:%d\r\n\r\n" % port,
            b"POST /timelines/home/ack.json HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 0\r\n\r\n",
        ]:
            request = request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
            status, reply = raw(port, request)
            self.assertEqual(status, 421, request)
            self.assertIn(b"public_hosts", reply)
        # The names it serves: IP literals, localhost, and public_hosts.
        for host in [b"127.0.0.1:%d" % port, b"localhost:%d" % port, b"roost.example.com"]:
            status, _ = raw(port, b"GET /timelines/home/statuses.json HTTP/1.1\r\nHost: " + host +
                        b"\r\nConnection: close\r\n\r\n")
            self.assertEqual(status, 200, host)

    def test_http_1_0_without_host_is_served_and_http_1_1_without_host_is_not(self):
        status, _ = raw(self.server.port, b"GET /timelines/home/statuses.json HTTP/1.0\r\n\r\n")
        self.assertEqual(status, 200)
        status, _ = raw(self.server.port, b"GET /timelines/home/statuses.json HTTP/1.1\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 400)

    def test_no_cors_headers_are_sent(self):
        _, headers, _ = self.server.request("GET", "/timelines/home/statuses.json",
                                            headers={"Origin": "http://evil.example"})
        self.assertNotIn("access-control-allow-origin", headers)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
