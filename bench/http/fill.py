"""Posts N workload-shaped statuses to a Roost server in batches of 100.
usage: fill.py BASE_URL TIMELINE N [workload|ascii|third]

The text is the workload's (Latin and Japanese), ASCII only, or a third of its
characters non-ASCII (for measuring the ASCII escaping of answers)."""
import json
import sys
import urllib.parse
import urllib.request

base, timeline, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
kind = sys.argv[4] if len(sys.argv) > 4 else "workload"
texts = {
    "workload": "Status %d \u00e9t\u00e9 \u3053\u3093\u306b\u3061\u306f ",
    "ascii": "Status %d plain ASCII words only ",
    # 10 of 30 characters non-ASCII: Japanese words between ASCII ones.
    "third": "Status %d \u3053\u3093\u306b\u3061\u306f and \u4e16\u754c\u3088 ok ",
}
text = texts[kind]
url = "%s/timelines/%s/statuses.json" % (base, urllib.parse.quote(timeline, safe=""))
for start in range(0, n, 100):
    batch = [{"id": "s%08d" % i,
              "created_at": "Thu May 16 %02d:%02d:%02d +0000 2013" % (i // 3600 % 24, i // 60 % 60, i % 60),
              "text": (text % i) * 5,
              "user": {"screen_name": "user%d" % (i % 50), "name": "User %d" % (i % 50),
                       "profile_image_url": "https://example.com/u%d.png" % (i % 50)},
              "busybird": {"level": [0, 0, 1, 2, -1, 5][i % 6]}}
             for i in range(start, min(n, start + 100))]
    req = urllib.request.Request(url, data=json.dumps(batch).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
