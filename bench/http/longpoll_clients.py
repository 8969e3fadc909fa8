"""Holds N concurrent long polls on a Roost server, then adds one status and measures how
long it takes until every client has its answer. Prints one JSON object.

usage: longpoll_clients.py HOST PORT TIMELINE N SERVER_PID"""
import asyncio
import json
import sys
import time
import urllib.request


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def hold(host, port, path, ready, answered):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, host)).encode())
    await writer.drain()
    ready.append(1)
    status = await reader.readline()
    answered.append((time.perf_counter(), status.startswith(b"HTTP/1.1 200")))
    writer.close()


async def main(host, port, timeline, n, pid):
    base = "http://%s:%d/timelines/%s" % (host, port, timeline)
    with urllib.request.urlopen(base + "/updates/unacked_counts.json") as r:
        total = json.load(r)["unacked_counts"]["total"]
    path = "/timelines/%s/updates/unacked_counts.json?total=%d" % (timeline, total)
    ready, answered = [], []
    rss_before = rss_kib(pid)
    tasks = [asyncio.create_task(hold(host, port, path, ready, answered)) for _ in range(n)]
    while len(ready) < n:
        await asyncio.sleep(0.05)
    await asyncio.sleep(2)  # let the server register every request (benchmark, not a test)
    rss_holding = rss_kib(pid)
    early = len(answered)
    body = json.dumps({"id": "longpoll-%d" % time.time_ns()}).encode()
    start = time.perf_counter()
    req = urllib.request.Request(base + "/statuses.json", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    await asyncio.get_running_loop().run_in_executor(None, lambda: urllib.request.urlopen(req).read())
    await asyncio.gather(*tasks)
    last = max(t for t, ok in answered)
    print(json.dumps({
        "clients": n, "answered_early": early, "answered_ok": sum(1 for t, ok in answered if ok),
        "all_answered_after_s": round(last - start, 3),
        "server_rss_mib_before": round(rss_before / 1024, 1),
        "server_rss_mib_holding": round(rss_holding / 1024, 1),
        "per_waiting_client_kib": round((rss_holding - rss_before) / n, 2)}))


if __name__ == "__main__":
    host, port, timeline, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    asyncio.run(main(host, port, timeline, n, pid))
