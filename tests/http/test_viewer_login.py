"""The viewer's login against the real `roost serve` and `roost user` (login_api.cpp).

Users are added with the CLI to the store a running server uses. The viewer's pages send
a visitor without a session to the login page; a login sets an HttpOnly, SameSite=Strict
cookie; logout, removing the user and changing their password end sessions at once; failed
logins are throttled, and a wrong name looks exactly like a wrong password.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

from server_process import RoostServer

BINARY = None
PASSWORD = "correct horse battery"


def roost(*args, stdin=None, check=True):
    result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60,
                            input=stdin)
    if check and result.returncode != 0:
        raise AssertionError("roost %s failed (%d): %s" % (args, result.returncode, result.stderr))
    return result


def form(**fields):
    return urllib.parse.urlencode(fields)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class LoginServer:
    """A server on a fresh SQLite store with users alice (read, write) and reader (read,
    home only)."""

    def __init__(self, config=None):
        self.dir = tempfile.TemporaryDirectory(prefix="roost-login-")
        self.uri = "sqlite:" + os.path.join(self.dir.name, "store.sqlite3")
        roost("user", "add", "--storage", self.uri, "--name", "alice", stdin=PASSWORD + "\n")
        roost("user", "add", "--storage", self.uri, "--name", "reader", "--scope", "read",
              "--timeline", "home", stdin=PASSWORD + "\n")
        self.server = RoostServer(BINARY, ["home", "work"], storage=self.uri, config=config)
        self.server.__enter__()
        self.origin = "http://127.0.0.1:%d" % self.server.port

    def close(self):
        self.server.__exit__(None, None, None)
        self.dir.cleanup()

    def login(self, user, password, next_page="/", headers=None):
        return self.server.request("POST", "/login", form(user=user, password=password,
                                                          next=next_page),
                                   headers=dict(FORM, **(headers or {})))

    def session(self, user="alice"):
        status, headers, data = self.login(user, PASSWORD)
        assert status == 303, (status, data)
        return re.match(r"roost_session=([^;]+)", headers["set-cookie"]).group(1)

    def get(self, path, cookie=None):
        return self.server.request("GET", path, headers={"Cookie": "roost_session=" + cookie}
                                   if cookie else {})


class ViewerLoginTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = LoginServer()

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_pages_send_a_visitor_to_the_login_page_and_the_api_answers_401(self):
        status, headers, _ = self.s.get("/timelines/home/?x=1")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/login?next=/timelines/home/%3Fx%3D1")
        status, _, page = self.s.get("/login?next=/timelines/home/")
        self.assertEqual(status, 200)
        self.assertIn(b'name="password" id="login-password" type="password"', page)
        self.assertIn(b'value="/timelines/home/"', page)
        status, headers, _ = self.s.get("/timelines/home/statuses.json")
        self.assertEqual(status, 401)
        self.assertIn("Bearer", headers["www-authenticate"])

    def test_login_sets_a_strict_http_only_cookie_and_goes_back(self):
        status, headers, _ = self.s.login("alice", PASSWORD, "/timelines/home/")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/timelines/home/")
        cookie = headers["set-cookie"]
        self.assertRegex(cookie, r"^roost_session=[A-Za-z0-9_-]{43}; ")
        for attribute in ("Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=604800"):
            self.assertIn(attribute, cookie)
        self.assertNotIn("Secure", cookie)  # plain http here; https sets it
        session = re.match(r"roost_session=([^;]+)", cookie).group(1)
        status, _, page = self.s.get("/", session)
        self.assertEqual(status, 200)
        settings = json.loads(re.search(rb'id="roost-config">(.*?)</script>', page, re.S).group(1))
        self.assertEqual(settings["user"], "alice")
        self.assertEqual([t["name"] for t in settings["timelines"]], ["home", "work"])
        # The viewer's own requests: same-origin, with the cookie.
        status, _, data = self.s.server.request(
            "POST", "/timelines/home/statuses.json", {"id": "by-alice"},
            headers={"Cookie": "roost_session=" + session, "Origin": self.s.origin,
                     "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(status, 200, data)
        status, _, data = self.s.server.request(
            "POST", "/timelines/home/ack.json", "",
            headers={"Cookie": "roost_session=" + session, "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(status, 200, data)

    def test_never_redirects_to_another_site(self):
        for next_page in ("//evil.example/", "/\\evil.example", "https://evil.example/", "",
                          "javascript:alert(1)"):
            status, headers, _ = self.s.login("alice", PASSWORD, next_page)
            self.assertEqual((status, headers["location"]), (303, "/"), next_page)

    def test_a_user_for_home_neither_reads_nor_lists_work(self):
        session = self.s.session("reader")
        self.assertEqual(self.s.get("/timelines/home/statuses.json", session)[0], 200)
        self.assertEqual(self.s.get("/timelines/work/statuses.json", session)[0], 403)
        status, _, page = self.s.get("/", session)
        settings = json.loads(re.search(rb'id="roost-config">(.*?)</script>', page, re.S).group(1))
        self.assertEqual([t["name"] for t in settings["timelines"]], ["home"])
        status, _, _ = self.s.server.request("POST", "/timelines/home/ack.json", "", headers={
            "Cookie": "roost_session=" + session})
        self.assertEqual(status, 403)

    def test_logout_ends_the_session_at_once(self):
        session = self.s.session()
        self.assertEqual(self.s.get("/timelines/home/statuses.json", session)[0], 200)
        status, headers, _ = self.s.server.request("POST", "/logout", "", headers={
            "Cookie": "roost_session=" + session, "Sec-Fetch-Site": "same-origin"})
        self.assertEqual((status, headers["location"]), (303, "/login"))
        self.assertIn("roost_session=;", headers["set-cookie"])
        self.assertIn("Max-Age=0", headers["set-cookie"])
        self.assertEqual(self.s.get("/timelines/home/statuses.json", session)[0], 401)
        self.assertEqual(self.s.get("/", session)[0], 303)

    def test_a_cross_site_login_form_is_refused(self):
        status, _, _ = self.s.server.request(
            "POST", "/login", form(user="alice", password=PASSWORD),
            headers=dict(FORM, **{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}))
        self.assertEqual(status, 403)

    def test_removing_a_user_or_changing_a_password_ends_their_sessions(self):
        roost("user", "add", "--storage", self.s.uri, "--name", "temp", stdin=PASSWORD + "\n")
        deadline = time.monotonic() + 10
        while self.s.login("temp", PASSWORD)[0] != 303:
            self.assertLess(time.monotonic(), deadline, "the new user never counted")
            time.sleep(0.05)
        first = self.s.session("temp")
        roost("user", "passwd", "--storage", self.s.uri, "temp", stdin="another password\n")
        changed = time.monotonic()
        while self.s.get("/timelines/home/statuses.json", first)[0] != 401:
            self.assertLess(time.monotonic() - changed, 1.0, "the session outlived the password")
            time.sleep(0.02)
        status, headers, _ = self.s.login("temp", "another password")
        self.assertEqual(status, 303)
        second = re.match(r"roost_session=([^;]+)", headers["set-cookie"]).group(1)
        roost("user", "remove", "--storage", self.s.uri, "temp")
        removed = time.monotonic()
        while self.s.get("/timelines/home/statuses.json", second)[0] != 401:
            self.assertLess(time.monotonic() - removed, 1.0, "the session outlived its user")
            time.sleep(0.02)
        self.assertNotIn("temp", roost("user", "list", "--storage", self.s.uri).stdout)

    def test_user_commands_refuse_mistakes(self):
        short = roost("user", "add", "--storage", self.s.uri, "--name", "x", stdin="short\n",
                      check=False)
        self.assertEqual(short.returncode, 2)
        self.assertIn("at least 8", short.stderr)
        again = roost("user", "add", "--storage", self.s.uri, "--name", "alice",
                      stdin=PASSWORD + "\n", check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("exists already", again.stderr)
        nobody = roost("user", "passwd", "--storage", self.s.uri, "nobody", stdin="", check=False)
        self.assertEqual(nobody.returncode, 1)
        self.assertIn("no user called", nobody.stderr)
        listed = roost("user", "list", "--storage", self.s.uri).stdout
        self.assertIn("alice\tread,write\tall timelines", listed)
        self.assertIn("reader\tread\thome", listed)
        self.assertNotIn("scrypt", listed)


class LoginThrottleTest(unittest.TestCase):
    """Each case on a server of its own: failures count per address, and all of these
    come from 127.0.0.1."""

    def setUp(self):
        self.s = LoginServer()

    def tearDown(self):
        self.s.close()

    def test_a_wrong_name_looks_and_takes_like_a_wrong_password(self):
        def attempt(user):
            start = time.monotonic()
            status, _, page = self.s.login(user, "wrong password")
            return status, page.replace(user.encode(), b"USER"), time.monotonic() - start
        wrong_password = [attempt("alice") for _ in range(3)]
        wrong_name = [attempt("mallory") for _ in range(3)]
        self.assertEqual({(s, p) for s, p, _ in wrong_password + wrong_name},
                         {(401, wrong_password[0][1])})
        self.assertIn(b"Wrong user name or password.", wrong_password[0][1])
        # Without the decoy hash a wrong name would answer in well under a tenth of the
        # time the password check takes.
        ratio = statistics.median(t for *_, t in wrong_name) / \
            statistics.median(t for *_, t in wrong_password)
        self.assertGreater(ratio, 0.5)
        self.assertLess(ratio, 2.0)

    def test_five_failures_for_a_name_stop_even_the_right_password(self):
        for _ in range(5):
            self.assertEqual(self.s.login("alice", "wrong password")[0], 401)
        status, headers, page = self.s.login("alice", PASSWORD)
        self.assertEqual(status, 429)
        self.assertGreater(int(headers["retry-after"]), 0)
        self.assertIn(b"Too many failed attempts", page)
        self.assertNotIn("set-cookie", headers)
        # Other names from the same address go on (up to the address's own limit).
        self.assertEqual(self.s.login("reader", PASSWORD)[0], 303)

    def test_hostile_login_forms_and_cookies_are_refused_and_change_nothing(self):
        for body in (b"user=%FF%FE&password=%00%00%00%00%00%00%00%00&next=%FF",
                     b"user=" + b"a" * 100000 + b"&password=x", b"\xff\x00=&&&=",
                     b"user=alice&password=" + b"%" * 5000, b""):
            status, _, page = self.s.server.request("POST", "/login", body, headers=FORM)
            self.assertEqual(status, 401, body[:40])
            self.assertIn(b"Wrong user name or password.", page)
        for cookie in ("roost_session=\xff", "roost_session=" + "A" * 5000, "roost_session",
                       ";;;=;", "roost_session=; roost_session=x"):
            status, _, _ = self.s.server.request("GET", "/timelines/home/statuses.json",
                                                 headers={"Cookie": cookie})
            self.assertEqual(status, 401, cookie[:40])
        self.assertEqual(self.s.login("alice", PASSWORD)[0], 303)  # still serving

    def test_twenty_failures_from_an_address_stop_every_name(self):
        for i in range(20):
            self.assertEqual(self.s.login("guess%d" % i, "wrong password")[0], 401)
        self.assertEqual(self.s.login("alice", PASSWORD)[0], 429)


class TrustedProxyTest(unittest.TestCase):
    """The test is the proxy: its X-Forwarded-* count only while 127.0.0.1 is trusted."""

    def test_a_trusted_proxy_names_the_client_the_scheme_and_the_host(self):
        s = LoginServer({"trusted_proxies": ["127.0.0.1"], "public_hosts": ["roost.example.com"]})
        try:
            behind = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "roost.example.com",
                      "X-Forwarded-For": "203.0.113.9"}
            status, headers, _ = s.login("alice", PASSWORD, headers=behind)
            self.assertEqual(status, 303)
            self.assertIn("; Secure", headers["set-cookie"])  # the client came by https
            # Origin is compared with the forwarded scheme and host.
            session = re.match(r"roost_session=([^;]+)", headers["set-cookie"]).group(1)
            status, _, data = s.server.request("POST", "/timelines/home/ack.json", "", headers=dict(
                behind, **{"Cookie": "roost_session=" + session,
                           "Origin": "https://roost.example.com"}))
            self.assertEqual(status, 200, data)
            # The throttle counts the forwarded client, not the proxy.
            for _ in range(5):
                self.assertEqual(s.login("reader", "wrong password", headers=behind)[0], 401)
            self.assertEqual(s.login("reader", PASSWORD, headers=behind)[0], 429)
            for i in range(15):
                s.login("guess%d" % i, "wrong password", headers=behind)
            self.assertEqual(s.login("alice", PASSWORD, headers=behind)[0], 429)
            other = dict(behind, **{"X-Forwarded-For": "198.51.100.7"})
            self.assertEqual(s.login("alice", PASSWORD, headers=other)[0], 303)
        finally:
            s.close()

    def test_without_trust_the_headers_are_ignored(self):
        s = LoginServer()
        try:
            status, headers, _ = s.login("alice", PASSWORD, headers={
                "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
            self.assertEqual(status, 303)
            self.assertNotIn("Secure", headers["set-cookie"])
            status, _, _ = s.server.request("GET", "/login", headers={
                "X-Forwarded-Host": "roost.example.com", "Host": "evil.example"})
            self.assertEqual(status, 421)
        finally:
            s.close()


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
