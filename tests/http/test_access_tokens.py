"""API tokens against the real `roost serve` and `roost token` (access_control.hpp).

Tokens are added with the CLI to the store a running server uses; from then on every
request needs one, each endpoint checks its scope and timeline, a revocation counts within
a second, and a server on a non-loopback address refuses to start without any credential.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

from server_process import RoostServer

BINARY = None


def roost(*args, check=True):
    result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError("roost %s failed (%d): %s" % (args, result.returncode, result.stderr))
    return result


class TokenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="roost-tokens-")
        cls.uri = "sqlite:" + os.path.join(cls.dir.name, "store.sqlite3")
        cls.server = RoostServer(BINARY, ["home", "work"], storage=cls.uri)
        cls.server.__enter__()
        # Statuses while the server is still open to everyone (no token yet).
        for tl, ident in (("home", "h1"), ("home", "h2"), ("work", "w1")):
            status, _, data = cls.server.request("POST", "/timelines/%s/statuses.json" % tl,
                                                 {"id": ident, "text": ident})
            assert status == 200, data
        cls.tokens = {}
        for name, scope, timelines in (("reader", "read", []), ("writer", "write,read", []),
                                       ("home-reader", "read", ["home"]),
                                       ("home-writer", "write", ["home"])):
            args = ["token", "add", "--storage", cls.uri, "--name", name, "--scope", scope]
            for t in timelines:
                args += ["--timeline", t]
            cls.tokens[name] = roost(*args).stdout.strip()
        cls.wait_until_required()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.dir.cleanup()

    @classmethod
    def wait_until_required(cls):
        # The server reads the store's tokens every quarter second. Until it has read them
        # once it is still open to everyone and ignores any token, so first wait until a
        # request without one is refused; it may also have read them between two of the
        # adds, so then wait until it knows every one (401 means unknown; 403, known but
        # without read). A condition with a deadline, not a fixed sleep.
        deadline = time.monotonic() + 10
        while cls.server.request("GET", "/timelines/home/statuses.json")[0] != 401:
            if time.monotonic() > deadline:
                raise AssertionError("the server never began to require a token")
            time.sleep(0.02)
        for secret in cls.tokens.values():
            while cls.server.request("GET", "/timelines/home/statuses.json", headers={
                    "Authorization": "Bearer " + secret})[0] == 401:
                if time.monotonic() > deadline:
                    raise AssertionError("the server never knew every token")
                time.sleep(0.02)

    def call(self, method, path, token=None, body=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + self.tokens.get(token, token)
        return self.server.request(method, path, body, headers=h)

    def statuses(self, tl):
        status, _, data = self.call("GET", "/timelines/%s/statuses.json?count=100" % tl, "reader")
        self.assertEqual(status, 200, data)
        return sorted((s["id"], bool(s.get("busybird", {}).get("acked_at")))
                      for s in json.loads(data)["statuses"])

    def test_tokens_are_printed_once_and_kept_only_as_hashes(self):
        for secret in self.tokens.values():
            self.assertRegex(secret, r"^roost_[A-Za-z0-9_-]{43}$")
        self.assertEqual(len(set(self.tokens.values())), len(self.tokens))
        listed = roost("token", "list", "--storage", self.uri).stdout
        self.assertIn("home-reader\tread\thome\t", listed)
        self.assertIn("reader\tread\tall timelines\t", listed)
        for secret in self.tokens.values():
            self.assertNotIn(secret, listed)
        with open(os.path.join(self.dir.name, "store.sqlite3"), "rb") as f:
            stored = f.read()
        for secret in self.tokens.values():
            self.assertNotIn(secret.encode(), stored)

    def test_no_credentials_is_401_with_a_bearer_challenge_everywhere(self):
        before = self.statuses("home")
        for method, path in (("GET", "/timelines/home/statuses.json"),
                             ("GET", "/timelines/home/statuses.html"),
                             ("GET", "/timelines/home/statuses.atom"),
                             ("GET", "/timelines/home/changes.json?since=0"),
                             ("GET", "/timelines/home/changes"),
                             ("GET", "/timelines/home/updates/unacked_counts.json"),
                             ("GET", "/updates/unacked_counts.json?tl_home=0"),
                             ("POST", "/timelines/home/statuses.json"),
                             ("POST", "/timelines/home/ack.json"),
                             ("POST", "/timelines/home/unack.json"),
                             ("GET", "/timelines/nosuch/statuses.json")):
            status, headers, data = self.call(method, path, body="" if method == "POST" else None)
            self.assertEqual(status, 401, (path, data))
            self.assertEqual(headers.get("www-authenticate"), 'Bearer realm="roost"', path)
        self.assertEqual(self.statuses("home"), before)
        # The viewer's pages send a person to the login page instead.
        for path in ("/", "/timelines/home/"):
            status, headers, _ = self.call("GET", path)
            self.assertEqual(status, 303, path)
            self.assertTrue(headers["location"].startswith("/login?next="), headers)

    def test_an_unknown_or_malformed_token_is_401_invalid_token(self):
        for value in ("Bearer roost_" + "A" * 43, "Bearer ", "Basic dXNlcjpwYXNz",
                      "Bearer " + self.tokens["reader"] + "x"):
            status, headers, _ = self.call("GET", "/timelines/home/statuses.json",
                                           headers={"Authorization": value})
            self.assertEqual(status, 401, value)
            self.assertIn('error="invalid_token"', headers.get("www-authenticate", ""), value)
        # The scheme's case does not matter (RFC 7235).
        status, _, _ = self.call("GET", "/timelines/home/statuses.json",
                                 headers={"Authorization": "bEaReR " + self.tokens["reader"]})
        self.assertEqual(status, 200)

    def test_the_viewer_assets_need_no_credentials(self):
        status, _, _ = self.call("GET", "/static/viewer.css")
        self.assertEqual(status, 200)

    def test_the_health_check_needs_no_credentials_and_tells_only_health(self):
        status, _, body = self.call("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"status": "ok"})

    def test_a_read_token_reads_everything_and_changes_nothing(self):
        for path in ("/timelines/home/statuses.json", "/timelines/work/statuses.json",
                     "/timelines/home/statuses.atom", "/timelines/home/changes.json?since=0",
                     "/timelines/home/updates/unacked_counts.json",
                     "/updates/unacked_counts.json?tl_home=0&tl_work=0", "/", "/timelines/home/"):
            status, _, data = self.call("GET", path, "reader")
            self.assertEqual(status, 200, (path, data))
        before = self.statuses("home")
        status, headers, data = self.call("POST", "/timelines/home/ack.json", "reader", body="")
        self.assertEqual(status, 403, data)
        self.assertIn('error="insufficient_scope", scope="write"', headers["www-authenticate"])
        status, _, _ = self.call("POST", "/timelines/home/statuses.json", "reader",
                                 body={"id": "sneaked"})
        self.assertEqual(status, 403)
        status, _, _ = self.call("POST", "/timelines/home/unack.json", "reader",
                                 body={"ids": ["h1"]})
        self.assertEqual(status, 403)
        self.assertEqual(self.statuses("home"), before)

    def test_a_write_token_for_home_writes_home_only(self):
        status, _, data = self.call("POST", "/timelines/home/statuses.json", "home-writer",
                                    body={"id": "h3"})
        self.assertEqual((status, json.loads(data)["count"]), (200, 1))
        before = self.statuses("work")
        status, _, data = self.call("POST", "/timelines/work/statuses.json", "home-writer",
                                    body={"id": "w-sneaked"})
        self.assertEqual(status, 403, data)
        self.assertIn("not for timeline", json.loads(data)["error"])
        status, _, _ = self.call("POST", "/timelines/work/ack.json", "home-writer", body="")
        self.assertEqual(status, 403)
        status, _, _ = self.call("POST", "/timelines/work/unack.json", "home-writer",
                                 body={"ids": ["w1"]})
        self.assertEqual(status, 403)
        self.assertEqual(self.statuses("work"), before)
        # Write alone does not read.
        status, _, _ = self.call("GET", "/timelines/home/statuses.json", "home-writer")
        self.assertEqual(status, 403)
        self.call("POST", "/timelines/home/ack.json", "writer", body={"ids": ["h3"]})

    def test_a_token_for_home_neither_reads_nor_sees_work(self):
        for path in ("/timelines/work/statuses.json", "/timelines/work/statuses.atom",
                     "/timelines/work/changes.json?since=0", "/timelines/work/changes",
                     "/timelines/work/updates/unacked_counts.json", "/timelines/work/",
                     "/updates/unacked_counts.json?tl_work=0"):
            status, _, data = self.call("GET", path, "home-reader")
            self.assertEqual(status, 403, (path, data))
        status, _, data = self.call("GET", "/", "home-reader")
        self.assertEqual(status, 200)
        page_settings = json.loads(re.search(
            rb'<script type="application/json" id="roost-config">(.*?)</script>', data,
            re.S).group(1))
        self.assertEqual([t["name"] for t in page_settings["timelines"]], ["home"])
        # The multi-timeline long poll answers only what the token may read, at once
        # (the stated count differs from home's).
        status, _, data = self.call("GET", "/updates/unacked_counts.json?tl_home=99&tl_work=99",
                                    "home-reader")
        self.assertEqual(status, 200, data)
        self.assertEqual(list(json.loads(data)["unacked_counts"]), ["home"])

    def test_a_read_only_token_may_come_in_the_atom_url_and_is_never_logged(self):
        secret = self.tokens["home-reader"]
        status, _, data = self.call("GET", "/timelines/home/statuses.atom?access_token=" + secret)
        self.assertEqual(status, 200, data)
        encoded = "/timelines/home/statuses.atom?access%5Ftoken=" + secret
        self.assertEqual(self.call("GET", encoded)[0], 200)
        # Only the Atom feed, and only a token that can do nothing but read.
        status, _, _ = self.call("GET", "/timelines/home/statuses.json?access_token=" + secret)
        self.assertEqual(status, 401)
        status, _, _ = self.call(
            "GET", "/timelines/home/statuses.atom?access_token=" + self.tokens["writer"])
        self.assertEqual(status, 401)
        self.server.access_log.flush()
        with open(os.path.join(self.server.dir.name, "access.log")) as f:
            log = f.read()
        self.assertIn("access_token=[redacted]", log)
        for s in self.tokens.values():
            self.assertNotIn(s, log)

    def test_a_revoked_token_is_refused_within_a_second(self):
        secret = roost("token", "add", "--storage", self.uri, "--name", "short-lived",
                       "--scope", "read").stdout.strip()
        self.tokens["short-lived"] = secret
        deadline = time.monotonic() + 10
        while self.call("GET", "/timelines/home/statuses.json", "short-lived")[0] != 200:
            self.assertLess(time.monotonic(), deadline, "the new token never counted")
            time.sleep(0.02)
        roost("token", "revoke", "--storage", self.uri, "short-lived")
        revoked = time.monotonic()
        while self.call("GET", "/timelines/home/statuses.json", "short-lived")[0] != 401:
            self.assertLess(time.monotonic() - revoked, 1.0, "still accepted a second later")
            time.sleep(0.02)
        self.assertNotIn("short-lived", roost("token", "list", "--storage", self.uri).stdout)

    def test_token_commands_refuse_mistakes(self):
        again = roost("token", "add", "--storage", self.uri, "--name", "reader", "--scope", "read",
                      check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("exists already", again.stderr)
        self.assertEqual(again.stdout, "")
        bad_scope = roost("token", "add", "--storage", self.uri, "--name", "x", "--scope", "sudo",
                          check=False)
        self.assertEqual(bad_scope.returncode, 2)
        self.assertIn("unknown scope", bad_scope.stderr)
        bad_name = roost("token", "add", "--storage", self.uri, "--name", "a b", "--scope", "read",
                         check=False)
        self.assertEqual(bad_name.returncode, 2)
        missing = roost("token", "revoke", "--storage", self.uri, "nobody", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no token called", missing.stderr)
        nowhere = roost("token", "list", "--storage",
                        "sqlite:" + os.path.join(self.dir.name, "none.sqlite3"), check=False)
        self.assertEqual(nowhere.returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(self.dir.name, "none.sqlite3")))


class ExposureTest(unittest.TestCase):
    """A server on a non-loopback address without credentials does not start."""

    def serve(self, uri, *extra):
        proc = subprocess.Popen([BINARY, "serve", "--listen", "0.0.0.0:0", "--storage", uri,
                                 *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "listening on" in line:
                proc.terminate()
                break
        proc.wait(timeout=30)
        proc.stderr.close()
        return proc.returncode, "".join(lines)

    def test_refuses_to_start_without_credentials_unless_told(self):
        with tempfile.TemporaryDirectory(prefix="roost-exposure-") as d:
            uri = "sqlite:" + os.path.join(d, "store.sqlite3")
            code, err = self.serve(uri)
            self.assertNotEqual(code, 0)
            self.assertIn("roost token add", err)
            self.assertIn("--allow-anonymous", err)
            self.assertNotIn("listening on", err)
            code, err = self.serve(uri, "--allow-anonymous")
            self.assertIn("listening on", err)
            self.assertIn("WARNING", err)
            roost("token", "add", "--storage", uri, "--name", "n", "--scope", "read")
            code, err = self.serve(uri)
            self.assertIn("listening on", err)
            self.assertNotIn("WARNING", err)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
