#!/usr/bin/env python3
"""The follow-up over HTTP right after an estimate is saved, against the same request with nothing changed.

usage: http-after-write.py URL API_KEY YEAR ACCOUNT [ROUNDS]
Each round: GET the report twice (the second is "unchanged"), PUT an estimate of round 1 on ACCOUNT with its ETag,
then GET the report again ("after a write"). Times only the GETs, on one keep-alive connection; prints medians.
"""
import http.client, json, statistics, sys, time, urllib.parse

url, key, year, account = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 30
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
headers = {"X-Api-Key": key}
report = f"/api/budget-years/{year}/follow-up?round=1&by=committee"
estimate = f"/api/budget-years/{year}/rounds/1/estimates/{urllib.parse.quote(account)}"

def request(method, path, body=None, extra=None):
    h = dict(headers, **(extra or {}))
    if body is not None:
        h["Content-Type"] = "application/json"
    t0 = time.perf_counter()
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return time.perf_counter() - t0, r.status, r.getheader("ETag"), data

unchanged, after = [], []
for i in range(rounds + 3):
    request("GET", report)
    t, status, _, _ = request("GET", report)
    assert status == 200, status
    _, status, etag, _ = request("GET", estimate)
    body = json.dumps({"estimate": 1000000 + i, "explanation": "måling", "outYears": [0, 0, 0, 0]})
    _, status, _, data = request("PUT", estimate, body, {"If-Match": etag} if etag else None)
    assert status in (200, 201), (status, data[:300])
    t2, status, _, _ = request("GET", report)
    assert status == 200, status
    if i >= 3:  # warm-up
        unchanged.append(t)
        after.append(t2)
m1, m2 = statistics.median(unchanged), statistics.median(after)
print(f"unchanged_ms={m1 * 1000:.2f} after_write_ms={m2 * 1000:.2f} ratio={m2 / m1:.2f}")
