"""Child processes of the local stack: started on loopback ports, logged to files, stopped for sure."""
from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from local.settings import HOST


class PortInUse(Exception):
    def __init__(self, port: int, what: str = "", variable: str = "") -> None:
        self.port, self.what, self.variable = port, what, variable
        hint = f" (set {variable} to use another)" if variable else ""
        label = f" for {what}" if what else ""
        super().__init__(f"port {port}{label} is already in use on {HOST}{hint}")


class StartFailed(Exception):
    pass


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers themselves do: connections of a stopped server in TIME_WAIT do not block the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    # Something listening on the wildcard address with SO_REUSEADDR may still accept our connections.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) != 0


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def accepts_connections(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if the process that started it dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Child:
    """A child process in its own process group (a Ctrl-C reaches only the launcher, which stops the
    children in order), its output in a log file."""

    def __init__(self, name: str, command: Sequence[str], log_path: Path, cwd: Path | None = None,
                 env: dict | None = None) -> None:
        self.name = name
        self.command = list(command)
        self.log_path = log_path
        self.cwd = cwd
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> Child:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.cwd, env=self.env, start_new_session=True,
                preexec_fn=_die_with_parent if os.uname().sysname == "Linux" else None)
        finally:
            log.close()
        return self

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_for_port(self, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise StartFailed(f"{self.name} exited with code {self.process.returncode}:\n{self.tail()}")
            if accepts_connections(port):
                return
            time.sleep(0.05)
        raise StartFailed(f"{self.name} did not listen on {HOST}:{port} within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join("    " + line for line in text.splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM to the child's process group, then SIGKILL if it lingers; returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(5)
        return self.process.returncode

    def _signal(self, signum: int) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signum)     # the child leads its own group: only it and its own
        except (ProcessLookupError, PermissionError):
            self.process.send_signal(signum)


class LocalServer:
    """A server of the local stack: one child process on a loopback port, logged to `log_path` (a temporary
    folder's file when not given). Subclasses say how to prepare the command and when it is ready."""

    label = "server"

    def __init__(self, port: int | None, log_path: Path | None, what: str, variable: str,
                 command: Sequence[str] = (), cwd: Path | None = None) -> None:
        import tempfile

        self.port = port or free_port()
        self.what, self.variable = what, variable
        self._tmp = None
        if log_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix=f"{self.label}-")
            log_path = Path(self._tmp.name) / f"{self.label}.log"
        self.child = Child(what, list(command), log_path, cwd=cwd or log_path.parent)

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 60.0):
        return self.launch().wait_ready(timeout)

    def launch(self):
        """Starts the process without waiting for it."""
        if not port_is_free(self.port):
            raise PortInUse(self.port, self.what, self.variable)
        self.prepare()
        self.child.start()
        return self

    def prepare(self) -> None:
        """Anything to do before the process starts (set the command, make folders)."""

    def wait_ready(self, timeout: float = 60.0):
        self.child.wait_for_port(self.port, timeout)
        self.check_ready(timeout)
        return self

    def check_ready(self, timeout: float) -> None:
        """An open port is enough unless a subclass knows better."""

    def alive(self) -> bool:
        return self.child.alive()

    def stop(self) -> None:
        self.child.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
