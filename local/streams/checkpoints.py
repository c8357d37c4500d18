"""Checkpoints: where each mapping stands on each shard, kept in one JSON file."""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger("local.streams")


class Checkpoints:
    """Per mapping and shard: the last sequence number handled, and whether the shard is done.
    Kept in one JSON file, replaced atomically; without a path, in memory only."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._data: dict = {"version": 1, "mappings": {}}
        if self.path and self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict) and isinstance(loaded.get("mappings"), dict):
                    self._data = loaded
            except ValueError:
                log.error("checkpoint file %s is unreadable: starting from the streams' beginning", self.path)

    def shards(self, mapping: str, stream_arn: str) -> dict[str, dict]:
        """The checkpoints of `mapping` on this stream (a different stream — a recreated table — starts over)."""
        with self._lock:
            entry = self._data["mappings"].get(mapping)
            if not entry or entry.get("stream_arn") != stream_arn:
                if entry:
                    log.warning("%s: stream changed (%s → %s): its old checkpoints are dropped",
                                mapping, entry.get("stream_arn"), stream_arn)
                self._data["mappings"][mapping] = {"stream_arn": stream_arn, "shards": {}}
                self._save()
            return {k: dict(v) for k, v in self._data["mappings"][mapping]["shards"].items()}

    def started(self, mapping: str) -> bool:
        with self._lock:
            return bool(self._data["mappings"].get(mapping, {}).get("started"))

    def mark_started(self, mapping: str) -> None:
        """The mapping has listed its shards once: a later start never applies LATEST again (it could skip
        records written while the runner was down; reading them again is the safe side)."""
        with self._lock:
            entry = self._data["mappings"][mapping]
            if not entry.get("started"):
                entry["started"] = True
                self._save()

    def update(self, mapping: str, shard_id: str, **values) -> None:
        with self._lock:
            shards = self._data["mappings"][mapping]["shards"]
            shards.setdefault(shard_id, {}).update({k: v for k, v in values.items() if v is not None})
            self._save()

    def snapshot(self) -> dict:
        with self._lock:
            return json.loads(json.dumps(self._data))

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self._data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
