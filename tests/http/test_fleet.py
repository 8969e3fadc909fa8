"""Several `roost serve` processes on one store, as behind a load balancer: each must hear
the changes the others (and `roost import`) make, and wake its clients for them as for its
own. Needs a store that several processes share: ROOST_TEST_STORAGE names it (the
PostgreSQL runs of the tests), or ROOST_FLEET_STORE=sqlite|lmdb asks for a new file or
directory of that kind. Usage: python3 test_fleet.py PATH/TO/roost"""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from server_process import RoostServer, default_storage, tl
from test_change_feed import EventStream

BINARY = None
EMBEDDED = os.environ.get("ROOST_FLEET_STORE")  # "sqlite" or "lmdb", in a temporary directory
SHARED = "{unique}" in os.environ.get("ROOST_TEST_STORAGE", "") or EMBEDDED in ("sqlite", "lmdb")
# What a node's cached answer may lag behind another node's acknowledged write, far above
# the documented bound (a notice's delivery; one watch interval of 10 ms on SQLite and
# LMDB) so that a busy machine does not fail the test, far below the cache's minute.
STALE_LIMIT_SECONDS = 5


@unittest.skipUnless(SHARED, "needs a store several servers share (ROOST_TEST_STORAGE or "
                     "ROOST_FLEET_STORE)")
class FleetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.store_dir = None
        if EMBEDDED:
            cls.store_dir = tempfile.TemporaryDirectory(prefix="roost-fleet-")
            where = os.path.join(cls.store_dir.name, "fleet")
            cls.storage = ("sqlite:%s.db" if EMBEDDED == "sqlite" else "lmdb:%s") % where
        else:
            cls.storage = default_storage()  # one schema for all three nodes
        config = {"long_poll_timeout_seconds": 30, "sse_heartbeat_seconds": 1,
                  "access_log": False, "response_cache_ms": 60000}
        cls.config = config
        cls.nodes = [RoostServer(BINARY, ["home", "other", "killed"], config=config,
                                 storage=cls.storage) for _ in range(3)]
        for node in cls.nodes:
            node.__enter__()

    @classmethod
    def tearDownClass(cls):
        for node in cls.nodes:
            node.__exit__(None, None, None)
        if cls.store_dir:
            cls.store_dir.cleanup()

    def post(self, node, name, body):
        status, answer = node.json("POST", "/timelines/%s/statuses.json" % tl(name), body)
        self.assertEqual(status, 200, answer)
        return answer

    def counts(self, node, name):
        """The total `node` knows of, once every node knows the same: a node hears another's
        change a moment after it commits (a notice; a watch interval on SQLite and LMDB),
        and a long poll started on a node that is behind would answer at once."""
        deadline = time.monotonic() + STALE_LIMIT_SECONDS
        while True:
            totals = []
            for n in [node] + [n for n in self.nodes if n is not node]:
                status, body = n.json("GET", "/timelines/%s/updates/unacked_counts.json?total=-1"
                                      % tl(name))
                self.assertEqual(status, 200, body)
                totals.append(body["unacked_counts"]["total"])
            if len(set(totals)) == 1:
                return totals[0]
            self.assertLess(time.monotonic(), deadline, "the nodes disagree: %s" % totals)

    def long_poll(self, node, path):
        """Starts a long poll on `node`; returns (thread, result dict)."""
        result = {}
        waiter = threading.Thread(target=lambda: result.update(answer=node.json("GET", path)))
        waiter.start()
        waiter.join(0.3)
        self.assertTrue(waiter.is_alive(), "the long poll answered before anything changed")
        return waiter, result

    def test_a_long_poll_on_one_node_is_answered_by_a_post_to_another(self):
        a, b, c = self.nodes
        total = self.counts(a, "home")
        polls = [self.long_poll(n, "/timelines/home/updates/unacked_counts.json?total=%d"
                                % total) for n in (a, c)]
        self.post(b, "home", [{"id": "lp-%d" % time.time_ns()}])
        for waiter, result in polls:
            waiter.join(20)
            self.assertFalse(waiter.is_alive(), "a node slept through another's change")
            status, body = result["answer"]
            self.assertEqual(status, 200)
            self.assertEqual(body["unacked_counts"]["total"], total + 1)

    def test_the_multi_timeline_long_poll_hears_other_nodes(self):
        a, b, _ = self.nodes
        home, other = self.counts(a, "home"), self.counts(a, "other")
        waiter, result = self.long_poll(
            a, "/updates/unacked_counts.json?level=total&tl_home=%d&tl_other=%d" % (home, other))
        self.post(b, "other", [{"id": "mt-%d" % time.time_ns()}])
        waiter.join(20)
        self.assertFalse(waiter.is_alive())
        status, body = result["answer"]
        self.assertEqual(status, 200)
        self.assertEqual(body["unacked_counts"]["other"]["total"], other + 1)

    def test_an_event_stream_on_one_node_gets_every_change_of_the_others_in_order(self):
        a, b, c = self.nodes
        status, body = a.json("GET", "/timelines/home/changes.json?limit=1")
        start = body["last_rev"]
        stream = EventStream(a.port, "/timelines/home/changes?since=%d" % start, timeout=20)
        try:
            self.assertEqual(stream.status, 200)
            posted = 0
            for i in range(10):
                node = (b, c)[i % 2]
                posted += self.post(node, "home", [{"id": "sse-%d-%d" % (i, j)}
                                                   for j in range(3)])["count"]
            revisions = []
            while len(revisions) < posted:
                rev, _ = stream.next_event()
                revisions.append(rev)
            self.assertEqual(revisions, list(range(start + 1, start + 1 + posted)))
        finally:
            stream.close()

    def test_a_cached_answer_is_dropped_when_another_node_writes(self):
        a, b, _ = self.nodes
        path = "/timelines/other/statuses.json?count=1"
        a.json("GET", path)  # cached for a minute (response_cache_ms)
        new_id = "cache-%d" % time.time_ns()
        self.post(b, "other", [{"id": new_id}])
        deadline = time.monotonic() + STALE_LIMIT_SECONDS
        while True:  # within the notice's delivery, far sooner than the cache's minute
            status, body = a.json("GET", path)
            self.assertEqual(status, 200)
            if body["statuses"] and body["statuses"][0]["id"] == new_id:
                break
            self.assertLess(time.monotonic(), deadline, "node A kept serving its cached page")

    @unittest.skipUnless(os.environ.get("ROOST_TEST_PG_CLUSTER"),
                         "stops the store: needs the test PostgreSQL cluster")
    def test_healthz_is_503_while_the_store_is_down_and_200_again_after(self):
        script, directory = os.environ["ROOST_TEST_PG_CLUSTER"].split(" ", 1)
        a = self.nodes[0]
        self.assertEqual(a.request("GET", "/healthz")[0], 200)
        subprocess.run([script, "halt", directory], check=True, capture_output=True)
        try:
            status, _, body = a.request("GET", "/healthz")
            self.assertEqual(status, 503)
            self.assertIn("the store does not answer", json.loads(body)["error"])
        finally:
            subprocess.run([script, "resume", directory], check=True, capture_output=True)
        deadline = time.monotonic() + 30  # the pool reconnects on the next call
        while a.request("GET", "/healthz")[0] != 200:
            self.assertLess(time.monotonic(), deadline, "healthz stayed 503 after the restart")
        # And the nodes hear each other again (their listen connections came back).
        total = self.counts(a, "home")
        waiter, result = self.long_poll(
            a, "/timelines/home/updates/unacked_counts.json?total=%d" % total)
        self.post(self.nodes[1], "home", [{"id": "after-restart-%d" % time.time_ns()}])
        waiter.join(30)
        self.assertFalse(waiter.is_alive(), "node A went deaf after the store's restart")

    def test_a_node_killed_mid_write_loses_nothing_acknowledged_and_the_others_serve(self):
        doomed = RoostServer(BINARY, ["home", "other", "killed"], config=self.config,
                             storage=self.storage)
        doomed.__enter__()
        acked, enough = [], threading.Event()

        def post_until_it_dies():
            i = 0
            while True:
                i += 1
                sid = "k-%d-%d" % (time.time_ns(), i)
                try:
                    status, _ = doomed.json("POST", "/timelines/killed/statuses.json", [{"id": sid}])
                except (OSError, http.client.HTTPException, ValueError):
                    return  # the node is gone
                if status == 200:
                    acked.append(sid)
                if len(acked) >= 50:
                    enough.set()

        poster = threading.Thread(target=post_until_it_dies)
        poster.start()
        try:
            self.assertTrue(enough.wait(60), "the doomed node took no writes")
            doomed.proc.send_signal(signal.SIGKILL)
            poster.join(30)
            self.assertFalse(poster.is_alive())
        finally:
            doomed.__exit__(None, None, None)
        a = self.nodes[0]
        status, body = a.json("GET", "/timelines/killed/statuses.json?count=100000")
        self.assertEqual(status, 200)
        stored = {s["id"] for s in body["statuses"]}
        self.assertEqual([sid for sid in acked if sid not in stored], [])
        self.assertEqual(self.counts(a, "killed"), len(stored))

    def test_an_import_beside_the_servers_wakes_them(self):
        a, _, _ = self.nodes
        total = self.counts(a, "home")
        waiter, result = self.long_poll(
            a, "/timelines/home/updates/unacked_counts.json?total=%d" % total)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "in.ndjson")
            with open(path, "w", encoding="utf-8") as f:
                status = {"id": "imported-%d" % time.time_ns(),
                          "created_at": "Thu May 16 12:00:00 +0000 2013"}
                f.write(json.dumps({"timeline": "home", "status": status}) + "\n")
            done = subprocess.run([BINARY, "import", "--storage", self.storage, "--input", path],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
        waiter.join(20)
        self.assertFalse(waiter.is_alive(), "the server slept through the import")
        self.assertEqual(result["answer"][1]["unacked_counts"]["total"], total + 1)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
