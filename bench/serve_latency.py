"""Measures `notice serve`: from saving an edit to the browser holding the
new page, beside the build itself, and the server's memory over many saves.

The client does what the viewer page does: it listens on the event stream,
and on each event fetches the state and page 1's SVG. "Beyond the build"
is that time less the build's own time, which the state reports.

Usage: serve_latency.py NOTICE FIXTURE_DIR WORK_DIR [EDITS | MINUTESm]

With `60m` it saves once a second for an hour (an editor's pace, not a
flood) and reports the server's memory after the first minute and every
ten minutes.
"""
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

notice, fixture, work = sys.argv[1:4]
arg = sys.argv[4] if len(sys.argv) > 4 else "600"
minutes = int(arg[:-1]) if arg.endswith("m") else None
edits = 10**9 if minutes else int(arg)
pause = 1.0 if minutes else 0.05
shutil.rmtree(work, ignore_errors=True)
shutil.copytree(fixture, work, ignore=shutil.ignore_patterns("*.pdf", "*.txt", ".notice-cache.json"))
plan = os.path.join(work, "plan.toml")
body = os.path.join(work, "body.md")

proc = subprocess.Popen([notice, "serve", "--no-system-fonts", plan],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = proc.stdout.readline().strip()
host, port = re.match(r"http://([\d.]+):(\d+)/", url).groups()
port = int(port)


def get(path):
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    data = r.read()
    c.close()
    return data


def rss_mb():
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


events = socket.create_connection((host, port))
events.sendall(f"GET /doc/0/events HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
events.settimeout(30)
buffered = b""


def next_event():
    global buffered
    while b"data:" not in buffered:
        buffered += events.recv(4096)
    at = buffered.index(b"data:")
    end = buffered.index(b"\n\n", at)
    version = int(buffered[at + 5:end])
    buffered = buffered[end + 2:]
    return version


try:
    seen = next_event()
    while json.loads(get("/doc/0/state"))["built"] < 1:
        seen = next_event()
    original = open(body, encoding="utf-8").read()
    totals, builds, beyond, memory = [], [], [], {}
    started = time.monotonic()
    next_sample = 1
    for i in range(edits):
        if minutes:
            elapsed = (time.monotonic() - started) / 60
            if elapsed >= next_sample:
                memory[f"{next_sample} min"] = rss_mb()
                print(f"  {next_sample} min, {i} saves: {memory[f'{next_sample} min']:.0f} MB", flush=True)
                next_sample = 10 if next_sample == 1 else next_sample + 10
            if elapsed >= minutes:
                break
        t0 = time.monotonic()
        with open(body, "w", encoding="utf-8") as f:
            f.write(original + f"\n\n第{i}次修改。\n")
        state = None
        while True:
            seen = next_event()
            state = json.loads(get("/doc/0/state"))
            if state["status"] != "building" and f"第{i}次" in get("/doc/0/download/txt").decode():
                break
        get("/doc/0/page/1.svg")
        t1 = time.monotonic()
        total = (t1 - t0) * 1000
        totals.append(total)
        builds.append(state["ms"])
        beyond.append(total - state["ms"])
        if not minutes and i + 1 in (60, 600, edits):
            memory[f"{i + 1} saves"] = rss_mb()
        time.sleep(pause)
    print(f"{len(totals)} saves of {os.path.basename(fixture)}:")
    print(f"  save → new page fetched: median {statistics.median(totals):.0f} ms "
          f"(min {min(totals):.0f}, max {max(totals):.0f})")
    print(f"  of which the build: median {statistics.median(builds):.0f} ms")
    print(f"  beyond the build: median {statistics.median(beyond):.0f} ms, "
          f"90th percentile {sorted(beyond)[int(len(beyond) * 0.9)]:.0f} ms")
    print("  server RSS: " + ", ".join(f"{mb:.0f} MB after {n}" for n, mb in memory.items()))
finally:
    proc.terminate()
    proc.wait()
