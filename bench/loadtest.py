"""`make loadtest`: the local stack on free ports of its own (a data folder of its own, the demo contest), Locust
headless against it for a bounded number of users and seconds, then a table of throughput, p50/p99 per request
and errors. Only loopback addresses are used.

    LOADTEST_USERS=24 LOADTEST_SECONDS=45 .venv/bin/python -m bench.loadtest
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USERS = int(os.environ.get("LOADTEST_USERS", "24"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "45"))


def _wait_for_demo(url: str, stack: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise SystemExit(f"the local stack stopped (exit {stack.returncode}); see its output above")
        try:
            with urllib.request.urlopen(f"{url}/api/contest", timeout=5) as answer:
                rounds = json.loads(answer.read())["rounds"]
            if any(r["id"] == "dot-1" and r["status"] == "open" for r in rounds):
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("the local stack did not come up with the demo contest in time")


def _table(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> int:
    from local.processes import free_port

    ports = {name: str(free_port()) for name in ("LOCAL_API_PORT", "LOCAL_DYNAMODB_PORT", "LOCAL_S3_PORT")}
    with tempfile.TemporaryDirectory(prefix="loadtest-") as folder:
        env = {**os.environ, **ports, "LOCAL_DATA_DIR": f"{folder}/data", "LOCAL_DEMO": "1",
               "LOCAL_SCHEDULE_SECONDS": "5", "PYTHONUNBUFFERED": "1"}
        url = f"http://127.0.0.1:{ports['LOCAL_API_PORT']}"
        stack = subprocess.Popen([sys.executable, "-m", "local.run"], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            _wait_for_demo(url, stack)
            prefix = Path(folder) / "locust"
            began = time.monotonic()
            subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                            "--headless", "--host", url, "-u", str(USERS), "-r", str(max(1, USERS // 6)),
                            "--run-time", f"{SECONDS}s", "--stop-timeout", "10", "--csv", str(prefix),
                            "--only-summary", "--loglevel", "WARNING"],
                           cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = time.monotonic() - began
            rows = _table(prefix)
        finally:
            stack.terminate()
            try:
                stack.wait(30)
            except subprocess.TimeoutExpired:
                stack.kill()
    print(f"load test: {USERS} users (1 participant in 4, the rest phones) for {SECONDS} s against the local "
          f"stack ({elapsed:.0f} s in all):")
    print(f"  {'request':42s} {'count':>7s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} {'errors':>7s}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        print(f"  {name:42s} {int(row['Request Count']):7d} {float(row['Requests/s']):7.1f} "
              f"{row['50%']:>7s} {row['99%']:>7s} {int(row['Failure Count']):7d}")
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    return 0 if total and int(total["Request Count"]) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
