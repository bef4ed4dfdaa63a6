"""Measures `notice watch`: time from saving an edit to the rebuilt PDF.

Usage: watch_latency.py NOTICE FIXTURE_DIR WORK_DIR
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

notice, fixture, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
shutil.copytree(fixture, work, ignore=shutil.ignore_patterns("*.pdf", "*.txt", ".notice-cache.json"))
plan = os.path.join(work, "plan.toml")
pdf = os.path.join(work, "plan.pdf")
body = os.path.join(work, "body.md")

proc = subprocess.Popen([notice, "watch", "--no-system-fonts", plan], stderr=subprocess.DEVNULL)


def wait_for_new_pdf(after, timeout=10.0):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if os.stat(pdf).st_mtime_ns > after:
                return time.monotonic()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    raise SystemExit("no rebuild seen")


try:
    wait_for_new_pdf(0)
    time.sleep(0.5)
    original = open(body, encoding="utf-8").read()
    latencies = []
    for i in range(15):
        before = os.stat(pdf).st_mtime_ns
        t0 = time.monotonic()
        with open(body, "w", encoding="utf-8") as f:
            f.write(original + f"\n\n第{i}次修改。\n")
        t1 = wait_for_new_pdf(before)
        latencies.append((t1 - t0) * 1000)
        time.sleep(0.3)
    print(f"edit → new PDF: median {statistics.median(latencies):.0f} ms, "
          f"min {min(latencies):.0f} ms, max {max(latencies):.0f} ms over {len(latencies)} edits")
finally:
    proc.terminate()
    proc.wait()
