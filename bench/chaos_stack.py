"""The local stack of the chaos run: `python -m local.run` on given ports and data folder, started, killed with
SIGKILL (the launcher, DynamoDB Local, the S3 emulator, or all three at once) and started again."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from local.settings import HOST, ROOT

KILL_TARGETS = ("everything", "launcher", "dynamodb", "s3")
READY = "Ctrl-C stops everything."
CHILDREN = {"java": "dynamodb", "node": "s3"}      # the launcher's children by executable


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class Launcher:
    def __init__(self, data_dir: Path, ports: dict[str, int], password: str = "mat-khau-btc-chaos") -> None:
        self.data_dir, self.ports, self.password = data_dir, ports, password
        self.url = f"http://{HOST}:{ports['LOCAL_API_PORT']}"
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "LOCAL_DATA_DIR": str(data_dir),
                    "LOCAL_DEMO": "0", "LOCAL_SCHEDULE_SECONDS": "1", "FINALIZE_SETTLE_SECONDS": "1",
                    "CUOCTHI_ADMIN_PASSWORD": password, "PYTHONPATH": str(ROOT),
                    "SCRYPT_N": "1024"}   # cheap password hashes, as in the tests: CPU for the burst, not for scrypt
        for name in ("DYNAMODB_ENDPOINT", "S3_ENDPOINT", "TABLE_PREFIX", "RESULTS_BUCKET", "TOKEN_SECRET"):
            self.env.pop(name, None)              # the launcher sets its own

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"launcher-{self.starts}.log"

    def start(self, timeout: float = 120) -> float:
        """Starts the launcher and waits for its banner; returns the seconds it took."""
        began = time.monotonic()
        self.starts += 1
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "local.run"], cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        while READY not in self.output():
            if self.process.poll() is not None or time.monotonic() - began > timeout:
                raise RuntimeError(f"the local stack did not start:\n{self.tail()}")
            time.sleep(0.1)
        return time.monotonic() - began

    def output(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def processes(self) -> dict[str, int]:
        """The launcher's pid and its children's, by role."""
        found = {"launcher": self.process.pid}
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:                                  # threads come and go while we look
                pids = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in pids:
                try:
                    name = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    continue
                if name in CHILDREN:
                    found[CHILDREN[name]] = int(pid)
        return found

    def kill(self, target: str) -> float:
        """SIGKILL to `target` ("everything": the three processes at once); waits until every process of the
        stack is gone (the launcher ends by itself when a child dies; children die with the launcher).
        Returns the seconds that took."""
        began = time.monotonic()
        pids = self.processes()
        assert set(pids) == {"launcher", *CHILDREN.values()}, pids
        for role, pid in pids.items():
            if target in ("everything", role):
                os.kill(pid, signal.SIGKILL)
        self._wait_gone(pids.values())
        return time.monotonic() - began

    def _wait_gone(self, pids, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        while any(alive(pid) for pid in pids):
            if time.monotonic() > deadline:       # only ever the stack's own processes, by their ids
                for pid in pids:
                    if alive(pid):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)

    def stop(self) -> None:
        """Ctrl-C, as a user stops it."""
        if self.process is None or self.process.poll() is not None:
            return
        pids = self.processes()
        self.process.send_signal(signal.SIGINT)
        self._wait_gone(pids.values())
