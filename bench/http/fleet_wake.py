"""Wake latency across the nodes of a fleet (several `roost serve` on one store): a long
poll held on one node, a POST to another, the time until the long poll is answered; then
N long polls spread over every node, all woken by one POST. Prints one JSON object.

usage: fleet_wake.py ROUNDS FANOUT PORT [PORT ...]     (127.0.0.1; timeline "home")"""
import asyncio
import json
import resource
import sys
import time


class Connection:
    """One keep-alive HTTP/1.1 connection; answers must carry a Content-Length."""

    def __init__(self, port):
        self.port = port

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    def send(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n" % (
            method, path, len(data))
        if body is not None:
            head += "Content-Type: application/json\r\n"
        self.writer.write(head.encode() + b"\r\n" + data)

    async def answer(self):
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = await self.reader.readexactly(length)
        return status, json.loads(body) if body else None


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def summary(seconds):
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2),
            "max_ms": round(max(ms), 2)}


async def total(conn):
    conn.send("GET", "/timelines/home/updates/unacked_counts.json?total=-1")
    status, body = await conn.answer()
    assert status == 200, body
    return body["unacked_counts"]["total"]


async def wake_rounds(ports, rounds):
    polls = [await Connection(p).open() for p in ports]
    posts = [await Connection(p).open() for p in ports]
    count = await total(polls[0])
    wake, post, after_ack = [], [], []
    for i in range(rounds):
        a, b = i % len(ports), (i + 1) % len(ports)
        polls[a].send("GET", "/timelines/home/updates/unacked_counts.json?total=%d" % count)
        await polls[a].writer.drain()
        start = time.perf_counter()
        posts[b].send("POST", "/timelines/home/statuses.json", [{"id": "wake-%d-%d" % (
            time.time_ns(), i)}])
        status, _ = await posts[b].answer()
        acked = time.perf_counter()
        assert status == 200
        status, body = await polls[a].answer()
        woken = time.perf_counter()
        count += 1
        assert status == 200 and body["unacked_counts"]["total"] == count, body
        wake.append(woken - start)
        post.append(acked - start)
        after_ack.append(max(0.0, woken - acked))
    return {"rounds": rounds, "nodes": len(ports), "post_to_answer": summary(wake),
            "post_itself": summary(post), "answer_after_post_acked": summary(after_ack)}


async def fanout(ports, n):
    # Every node must know the newest count first: a node that has not heard the last
    # change yet (SQLite and LMDB nodes hear each other within one watch interval) would
    # answer a poll for the newer count at once, with its older one.
    count = await total(await Connection(ports[0]).open())
    while True:
        seen = [await total(await Connection(p).open()) for p in ports]
        if all(c == seen[0] for c in seen):
            count = seen[0]
            break
        await asyncio.sleep(0.01)
    path = "/timelines/home/updates/unacked_counts.json?total=%d" % count
    held = []
    for i in range(n):
        c = await Connection(ports[i % len(ports)]).open()
        c.send("GET", path)
        held.append(c)
    for c in held:
        await c.writer.drain()
    await asyncio.sleep(2)  # every node registers its polls (a benchmark, not a test)
    poster = await Connection(ports[0]).open()
    start = time.perf_counter()
    poster.send("POST", "/timelines/home/statuses.json", [{"id": "fanout-%d" % time.time_ns()}])

    async def one(c):
        status, body = await c.answer()
        assert status == 200 and body["unacked_counts"]["total"] == count + 1, body
        return time.perf_counter() - start
    times = await asyncio.gather(*(one(c) for c in held))
    await poster.answer()
    return {"long_polls": n, "nodes": len(ports), "answered_after_post": summary(times)}


async def main(rounds, n, ports):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    result = {"wake": await wake_rounds(ports, rounds)}
    if n:
        result["fanout"] = await fanout(ports, n)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), [int(p) for p in sys.argv[3:]]))
