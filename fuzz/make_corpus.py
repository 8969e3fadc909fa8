#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<harness>/: a few dozen small inputs each,
chosen to reach every format, route and branch a harness starts from. The fuzzer finds
the rest; these only spare it the minutes it would spend discovering "GET /timelines/".

Usage: fuzz/make_corpus.py [--roost PATH]
  --roost PATH  also writes the store_open seeds (small real stores) with that roost
                program (e.g. build/fuzz/app/roost); they need the library to create them.
Existing files of a corpus are replaced; run it after changing a seed below.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(harness, seeds):
    d = os.path.join(CORPUS, harness)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for seed in seeds:
        data = seed if isinstance(seed, bytes) else seed.encode("utf-8")
        # Named by content, as libFuzzer names what it adds: no duplicates, stable names.
        with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
            f.write(data)


def compact(doc):
    """The stored form: what nlohmann's dump() writes (sorted keys, no spaces)."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


STATUSES = [
    {"id": "1"},
    {"id": 42, "text": "integer id"},
    {"id": "2", "created_at": "Thu May 16 12:56:23 +0000 2013", "text": "hello"},
    {"id": "3", "created_at": "2013-05-16T21:56:23.25+09:00", "busybird": {"level": 3}},
    {"id": "4", "created_at": "Thu, 16 May 2013 12:56:23 GMT",
     "busybird": {"level": -2, "acked_at": "Fri May 17 00:00:00 +0000 2013"}},
    {"id": "5", "busybird": {"level": None, "acked_at": None}, "text": "caf\u00e9 \U0001f426"},
    {"id": "6", "text": "<b>&</b>", "entities": {"urls": [{"url": "http://example.com/",
                                                            "indices": [0, 3]}]},
     "user": {"screen_name": "roost", "profile_image_url": "https://example.com/a.png"}},
    {"id": "7", "n": [1, -1, 1.5, 1e10, 18446744073709551615, -9223372036854775808,
                      True, False, None]},
    {"id": "8", "deep": [[[[{"a": [{"b": {}}]}]]]]},
    {"id": "\u00e9\u4e2d", "created_at": "16 May 13 12:56 EST",
     "busybird": {"level": 9223372036854775807}},
]


def status_text_seeds():
    seeds = [compact(s) for s in STATUSES]
    seeds += [json.dumps(s) for s in STATUSES[:4]]  # spaces: not stored form
    seeds += [
        '{"id":"1","id":"2"}',                      # repeated key
        '{"busybird":{"level":1},"id":"1"}',
        '{"id":"a\\u0000b","t":"\\"\\\\\\/\\b\\f\\n\\r\\t"}',  # escapes
        '{"id":"x","t":"\\ud83d\\udc26"}',          # surrogate pair escape
        '{"id":"1","created_at":"whenever"}',       # refused
        '{"id":{"a":1}}',
        '[{"id":"1"}]',
        '{"id":"1","f":1.0,"g":-0,"h":1E2}',
    ]
    return seeds


def timestamp_seeds():
    return [
        "Thu May 16 12:56:23 +0000 2013", "Thu May  6 02:06:03 -0930 2013",
        "sun jan 01 00:00:00 +2359 0000", "Fri Dec 31 23:59:60 +2359 9999",
        "2013-05-16T12:56:23Z", "2013-05-16t12:56:23.123456789z", "2013-05-16 21:56:23.5+09:00",
        "2016-12-31T23:59:60-0800", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59+00:01",
        "2012-02-29T00:00:00Z", "2013-02-29T00:00:00Z",
        "Thu, 16 May 2013 12:56:23 +0000", "16 May 2013 12:56 GMT", "Mon, 1 Jan 99 00:00:00 UT",
        "Mon, 01 Jan 49 00:00:00 PDT", "Tue,   2 Feb 2021 03:04:05 Z", "1 Jan 0001 00:00 MDT",
    ]


def query_seeds():
    return [
        "/timelines/home/statuses.json?count=3&max_id=10&ack_state=acked\n5",
        "/timelines/home/statuses.json?only_statuses=1&count=-9223372036854775808\n-0",
        "/updates/unacked_counts.json?level=1&tl_home=2&tl_a%2Fb%20%F0%9F%90%A6=0&_=1\n"
        "text/event-stream",
        "/timelines/a%2Fb%20%F0%9F%90%A6/changes?since=18446744073709551615\n18446744073709551616",
        "/timelines/home/changes.json?since=0&limit=1000&wait=30\n"
        "text/html, Text/Event-Stream;q=0.9",
        "/timelines/home/updates/unacked_counts.json?total=4&0=1&-1=2\n 9223372036854775807",
        "/x?a+b=c%20d&a=2&&=&%C3%A9=%C3%A9\n",
        "/timelines/h%2Bx+y/statuses.html\napplication/json",
        "/\n0",
    ]


def server_config_seeds():
    full = {
        "listen": "[::1]:0", "storage": "memory:",
        "timelines": ["home", {"name": "work", "hidden": True, "level_threshold": -1,
                               "soft_max": 10, "hard_max": 20}],
        "io_threads": 2, "worker_threads": 1, "worker_queue": 10, "time_zone": "Asia/Tokyo",
        "page_size": 5, "soft_max": 100, "hard_max": 0, "max_body_bytes": 1024,
        "max_connections": 10, "max_json_depth": 64, "read_timeout_seconds": 30,
        "idle_timeout_seconds": 120, "long_poll_timeout_seconds": 60, "access_log": False,
        "change_retention": 0, "sse_heartbeat_seconds": 15, "sse_buffer_bytes": 1024,
        "response_cache_ms": 600000, "response_cache_bytes": 1024,
    }
    return [
        "{}", json.dumps(full), json.dumps(full, indent=1),
        '{"listen": "127.0.0.1:5000", "timelines": ["a", "a"]}',
        '{"soft_max": 10, "hard_max": 5}',
        '{"timelines": [{"name": "x", "soft_max": 10, "hard_max": 50}]}',
        '{"io_threads": 0}', '{"listen": "nocolon"}', '{"listen": ":1"}',
        '{"tmelines": []}', '[]', '{"page_size": 1.5}', '{"max_body_bytes": -1}',
    ]


def ndjson_line_seeds():
    seeds = [compact({"timeline": "home", "status": s}) for s in STATUSES]
    seeds += [
        '{"timeline":"a/b \U0001f426","status":{"id":"1"},"later":[1,2]}',
        '{"status":{"id":"1"},"timeline":"home"}',
        '{"timeline":"","status":{"id":"1"}}',
        '{"timeline":"home","status":[]}',
        '{"timeline":"home","status":{"id":"1"}} ',
        '{"timeline":1,"status":{}}',
    ]
    return seeds


def busybird_row_seeds():
    def row(status_id, acked, created, tz_acked, tz_created, level, content):
        return "\n".join(["home", status_id, acked, created, tz_acked, tz_created, str(level),
                          content])
    absent = "9999-99-99T99:99:99"
    return [
        row("1", absent, "2013-05-16T12:56:23", "UTC", "UTC", 0, '{"id":"1","text":"hi"}'),
        row("2", "2013-05-17T00:00:00", "2013-05-16T12:56:23", "+0900", "-05:30", 2,
            '{"id":"old","created_at":"x","busybird":{"level":5,"acked_at":"y"}}'),
        row("3", absent, absent, "Asia/Tokyo", "America/New_York", -1, '{"busybird":null}'),
        row("4", "1900-01-01T00:00:60", "2016-12-31T23:59:59", "Europe/Paris", "floating", 0,
            '{"busybird":{"level":null}}'),
        row("5", absent, "0001-01-01T00:00:00", "Nowhere/City", "GMT", 9223372036854775807,
            '{"entities":{"urls":[]}}'),
        row("6", absent, "2013-02-29T00:00:00", "Z", "", 0, "{}"),
        row("\u00e9", absent, "2013-05-16T12:56:23", "UTC", "Africa/Abidjan", 0, '{"busybird":1}'),
    ]


def http_request_seeds():
    def req(method, target, body=None, headers=()):
        lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1:5000"] + list(headers)
        if body is not None:
            lines.append(f"Content-Length: {len(body.encode('utf-8'))}")
            lines.append("Content-Type: application/json")
        return "\r\n".join(lines) + "\r\n\r\n" + (body or "")
    home = "/timelines/home"
    other = "/timelines/a%2Fb%20%F0%9F%90%A6"
    post = req("POST", f"{home}/statuses.json",
               '[{"id":"9","busybird":{"level":1}},{"text":"no id"}]')
    seeds = [
        req("GET", f"{home}/statuses.json"),
        req("GET", f"{home}/statuses.json?count=2&max_id=2&ack_state=unacked"),
        req("GET", f"{home}/statuses.json?only_statuses=1&count=x"),
        req("HEAD", f"{other}/statuses.json?ack_state=acked"),
        req("GET", f"{home}/statuses.html?count=3"),
        req("GET", f"{home}/statuses.atom", headers=["Host: example.com:80"]),
        post,
        req("POST", f"{home}/statuses.json", '{"id":"10","created_at":"2013-05-16T12:56:23Z"}'),
        req("POST", f"{home}/statuses.json", '{"id":"1","created_at":"whenever"}'),
        req("POST", f"{home}/statuses.json", "[1,2]"),
        req("POST", f"{home}/ack.json", '{"ids":["1",2],"max_id":null}'),
        req("POST", f"{home}/ack.json", '{"max_id":"2"}'),
        req("POST", f"{home}/ack.json", ""),
        req("POST", f"{home}/ack.json", '{"ids":{"a":1}}'),
        req("GET", f"{home}/updates/unacked_counts.json?total=4&2=1&_=123"),
        req("GET", f"{home}/updates/unacked_counts.json?total=x"),
        req("GET", "/updates/unacked_counts.json?level=total&tl_home=0&tl_a%2Fb%20%F0%9F%90%A6=1"),
        req("GET", "/updates/unacked_counts.json?level=1&tl_secret=0"),
        req("GET", f"{home}/changes.json?since=0&limit=2"),
        req("GET", f"{home}/changes.json?since=999&wait=5"),
        req("GET", f"{home}/changes", headers=["Accept: text/event-stream", "Last-Event-ID: 1"]),
        req("GET", f"{other}/changes?since=0", headers=["Accept: text/html, text/event-stream"]),
        req("GET", f"{home}/changes"),
        req("PUT", f"{home}/statuses.json", "{}"),
        req("GET", "/"), req("GET", f"{home}/"), req("GET", "/timelines/secret/"),
        req("GET", "/static/viewer.js"), req("GET", "/static/nope"),
        req("GET", "/timelines/nope/statuses.json"),
        "POST /timelines/home/statuses.json HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "b\r\n{\"id\":\"c1\"}\r\n0\r\n\r\n",
        # Pipelined: a write, then the reads that must see it.
        post + req("POST", f"{home}/ack.json", '{"ids":"9"}')
        + req("GET", f"{home}/statuses.json?ack_state=acked"),
        req("GET", f"{home}/updates/unacked_counts.json?total=5")
        + req("POST", f"{home}/ack.json", ""),
        req("POST", f"{home}/statuses.json", '{"id":"x"}')
        + req("GET", f"{home}/changes.json?since=1"),
    ]
    return seeds


def store_seeds(roost):
    """Small real stores, written by the roost program (import from NDJSON)."""
    statuses = [{"timeline": t, "status": s} for t in ("home", "a/b \U0001f426") for s in STATUSES]
    variants = {
        "empty": [],
        "one": statuses[:1],
        "two_timelines": statuses,
    }
    lmdb, sqlite = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, lines in variants.items():
            src = os.path.join(tmp, name + ".ndjson")
            with open(src, "w", encoding="utf-8") as f:
                for line in lines:
                    f.write(compact(line) + "\n")
            env = os.path.join(tmp, name + "-lmdb")
            os.makedirs(env)
            db = os.path.join(tmp, name + ".sqlite3")
            for uri in ("lmdb:" + env, "sqlite:" + db):
                subprocess.run([roost, "import", "--storage", uri, "--input", src], check=True,
                               stdout=subprocess.DEVNULL)
            with open(os.path.join(env, "data.mdb"), "rb") as f:
                lmdb.append(f.read())
            with open(db, "rb") as f:
                sqlite.append(f.read())
    write("store_open_lmdb", lmdb)
    write("store_open_sqlite", sqlite)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roost", help="the roost program, for the store_open seeds")
    args = parser.parse_args()
    write("status_text", status_text_seeds())
    write("timestamp", timestamp_seeds())
    write("query", query_seeds())
    write("server_config", server_config_seeds())
    write("ndjson_line", ndjson_line_seeds())
    write("busybird_row", busybird_row_seeds())
    write("http_request", http_request_seeds())
    if args.roost:
        store_seeds(args.roost)


if __name__ == "__main__":
    main()
