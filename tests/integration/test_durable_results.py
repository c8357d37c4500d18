"""Result files against kills of the S3 emulator (SIGKILL, its own instance on a folder of this test): killed
between the last upload and the status change, the round stays `closed` and the next schedule run after the
restart finalizes it; killed right after the round shows `ready`, the restarted emulator still serves every
file and the links work."""
from __future__ import annotations

import os
import signal
import urllib.error
import urllib.request

import pytest

from chalicelib.events import lifecycle
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from local.s3 import S3rver, client, ensure_bucket

FILES = sorted(f"{name}.{fmt}" for name, fmt in result_store.files())


class Emulator:
    """An S3 emulator of this test's own, on one port and one folder across kills and restarts."""

    def __init__(self, directory) -> None:
        self.directory = directory
        self.server = S3rver(directory=directory).start()
        self.port = self.server.port

    def kill(self) -> None:
        os.killpg(self.server.child.pid, signal.SIGKILL)
        self.server.child.process.wait(10)
        self.server.stop()

    def restart(self) -> None:
        self.server = S3rver(port=self.port, directory=self.directory).start()


@pytest.fixture
def emulator(tmp_path, monkeypatch, local_tables):
    from chalicelib import config, store

    emulator = Emulator(tmp_path / "objects")
    monkeypatch.setenv("S3_ENDPOINT", emulator.server.endpoint)
    monkeypatch.setenv("RESULTS_BUCKET", "kill-test-results")
    config.current.cache_clear()
    store.reset()
    ensure_bucket(client(emulator.server.endpoint), "kill-test-results")
    try:
        yield emulator
    finally:
        emulator.server.stop()
        config.current.cache_clear()
        store.reset()


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read()


def results(api, contest) -> dict:
    reply = api.get("/api/admin/rounds/dot-1/results", token=contest.admin)
    assert reply.status == 200, reply.text
    return reply.body


def test_a_kill_between_the_last_upload_and_the_status_change_is_finalized_again(
        api, contest, live_clock, emulator, monkeypatch):
    contest.open_round("dot-1", grace_seconds=0)
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        token, _ = contest.register(name)
        assert contest.submit(token, contest.start(token), right=len(name) % 5).status == 200
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    live_clock.advance(lifecycle.SETTLE_MS + 1_000)

    writer, uploaded = result_store.writer, []

    class KillAfterTheLast(result_store.Upload):
        def _finish(self) -> None:
            super()._finish()
            uploaded.append(self.name)
            if len(uploaded) == len(FILES):
                emulator.kill()           # every file answered 200; the status change has not happened

    def kill_after_the_last(round_id, filename):
        upload = KillAfterTheLast(result_store.key(round_id, filename))
        upload.name = filename
        return upload

    monkeypatch.setattr(result_store, "writer", kill_after_the_last)
    with pytest.raises(lifecycle.FinalizationFailed):    # the read-back finds no emulator
        lifecycle.finalize_due()
    assert sorted(uploaded) == FILES
    assert round_store.get_round("dot-1", fresh=True).status == "closed"
    monkeypatch.setattr(result_store, "writer", writer)

    emulator.restart()
    assert results(api, contest)["status"] == "pending"
    assert lifecycle.finalize_due() == {"finalized": ["dot-1"]}
    ready = results(api, contest)
    assert ready["status"] == "ready" and sorted(f"{f['name']}.{f['format']}" for f in ready["files"]) == FILES
    bodies = {f"{f['name']}.{f['format']}": download(f["url"]) for f in ready["files"]}
    ranking = bodies["ranking.csv"].decode("utf-8-sig")
    assert all(name in ranking for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")), ranking
    assert all(body for body in bodies.values())

    # Killed right after `ready`: nothing to copy, nothing lost; the same links work after the restart.
    emulator.kill()
    with pytest.raises(urllib.error.URLError):
        download(ready["files"][0]["url"])
    emulator.restart()
    assert {f"{f['name']}.{f['format']}": download(f["url"]) for f in ready["files"]} == bodies
    assert lifecycle.finalize_due() == {"finalized": []}         # every file there: nothing to do again
    assert round_store.get_round("dot-1", fresh=True).status == "finalized"
