"""`make run` itself (python -m local.run) as a user meets it: it starts on loopback ports, loads the demo
contest, refuses a second start and a busy port with a clear message, stops every child on Ctrl-C, and keeps
its data across a restart. Plus: DynamoDB Local listens on the loopback address only."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from local.processes import free_port
from local.settings import ROOT


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def test_dynamodb_local_listens_on_the_loopback_address_only(dynamodb_local):
    port = int(dynamodb_local.rsplit(":", 1)[1])
    addresses = listening_addresses(port)
    assert addresses and addresses <= LOOPBACK, addresses


class Stack:
    def __init__(self, data_dir: Path, ports: dict[str, int], name: str) -> None:
        self.log_path = data_dir.parent / f"{name}.log"
        env = {**os.environ, "LOCAL_DATA_DIR": str(data_dir), "LOCAL_SCHEDULE_SECONDS": "1",
               "PYTHONPATH": str(ROOT), **{k: str(v) for k, v in ports.items()}}
        for name_ in ("DYNAMODB_ENDPOINT", "S3_ENDPOINT", "TABLE_PREFIX", "RESULTS_BUCKET", "TOKEN_SECRET"):
            env.pop(name_, None)                    # the launcher sets its own
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "local.run"], cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process.poll() is None or text in self.output(), self.output()[-3000:]
            assert time.monotonic() < deadline, self.output()[-3000:]
            time.sleep(0.1)
        return self.output()

    def children(self) -> list[int]:
        tasks = Path(f"/proc/{self.process.pid}/task")
        pids = []
        for task in tasks.iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
        return pids

    def stop(self, signum=signal.SIGINT, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        finally:
            self.log.close()


def get(url: str, token: str | None = None, body: dict | None = None):
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                     method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def post_status(url: str, body: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_the_local_stack_starts_refuses_a_second_start_stops_cleanly_and_keeps_its_data(tmp_path):
    data = tmp_path / "data"
    ports = {"LOCAL_API_PORT": free_port(), "LOCAL_DYNAMODB_PORT": free_port(), "LOCAL_S3_PORT": free_port()}
    stack = Stack(data, ports, "first")
    try:
        out = stack.wait_for("Ctrl-C stops everything.")
        url = re.search(r"Web pages and API\s+(http://127\.0\.0\.1:\d+)/", out).group(1)
        assert url == f"http://127.0.0.1:{ports['LOCAL_API_PORT']}"
        assert "Demo contest       loaded: 62 units" in out
        for port in ports.values():
            assert listening_addresses(port) <= LOOPBACK, (port, listening_addresses(port))

        contest = get(url + "/api/contest")
        assert [(r["id"], r["status"]) for r in contest["rounds"]] == [("dot-1", "open"), ("dot-2", "scheduled")]
        assert all(r["question_count"] >= 60 for r in contest["rounds"])
        assert sorted(p["slug"] for p in contest["pages"]) == ["huong-dan", "the-le"]   # the rules, the guide
        password = (data / "admin-password").read_text().strip()
        assert f"btc / {password}" in out
        token = get(url + "/api/admin/sessions", body={"username": "btc", "password": password})["token"]
        participant = get(url + "/api/participants", body={
            "full_name": "Hoàng Thị Lan", "phone": "0912345678", "password": "mat-khau-123",
            "unit_id": "bo-trach-hoan-lao", "category": "citizen"})
        assert participant["participant"]["unit_id"] == "bo-trach-hoan-lao"
        # The stream runner and the schedule run: the registration shows in the totals.
        deadline = time.monotonic() + 15
        while get(url + "/api/stats")["registered"] != 1:
            assert time.monotonic() < deadline, stack.output()[-2000:]
            time.sleep(0.2)
        assert get(url + "/api/admin/stats", token=token)["registered"] == 1
        # SMS are not sent locally: each is printed by the launcher and appended to sms.jsonl.
        assert post_status(url + "/api/verifications", {"phone": "0912345678", "purpose": "login"}) == 202
        (sms,) = [json.loads(line) for line in (data / "sms.jsonl").read_text(encoding="utf-8").splitlines()]
        assert set(sms) == {"to", "text", "code", "purpose", "at"} and sms["to"] == "0912345678"
        assert sms["code"] in sms["text"] and sms["purpose"] == "login"
        stack.wait_for(f"SMS to 0912345678: {sms['text']}", timeout=5)
        # Anyone can make the organizer's password login wait; the next start must not depend on it.
        for _ in range(5):
            assert post_status(url + "/api/admin/sessions", {"username": "btc", "password": "sai"}) == 401
        assert post_status(url + "/api/admin/sessions", {"username": "btc", "password": password}) == 429

        second = Stack(data, ports, "second")
        assert second.process.wait(60) == 1
        assert f"already running (pid {stack.process.pid}, {url}/" in second.output()
        busy = Stack(tmp_path / "other", ports, "busy")
        assert busy.process.wait(60) == 1
        assert f"port {ports['LOCAL_API_PORT']}" in busy.output() and "already in use" in busy.output()

        children = stack.children()
        assert len(children) == 2                   # DynamoDB Local and the S3 emulator
    finally:
        code = stack.stop()
    assert code == 0, stack.output()[-3000:]
    assert "stopped DynamoDB Local" in stack.output()
    assert not [pid for pid in children if alive(pid)]

    # A restart keeps everything and loads no demo again; the organizer's locked login does not hold it up.
    again = Stack(data, ports, "again")
    try:
        out = again.wait_for("Ctrl-C stops everything.")
        assert "Demo contest" not in out
        assert post_status(url + "/api/admin/sessions", {"username": "btc", "password": password}) == 429
        login = get(url + "/api/sessions", body={"phone": "0912345678", "password": "mat-khau-123"})
        assert login["participant"]["full_name"] == "Hoàng Thị Lan"
        assert get(url + "/api/stats")["registered"] == 1      # not counted again after the restart
    finally:
        assert again.stop(signal.SIGTERM) == 0, again.output()[-3000:]
