"""Where a finalization's partial results live between its steps: a folder (the local process pool, the
benchmark) or a prefix of the results bucket (the cloud, where each step is its own Lambda invocation). A
workspace is named by a small dict (`spec`), so it travels in a Step Functions state or to a pool process."""
from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from chalicelib.contest import sheets
from chalicelib.store import results as result_store


class Workspace:
    def __init__(self, spec: dict) -> None:
        if ("folder" in spec) == ("prefix" in spec):
            raise ValueError(f"a workspace is a folder or a bucket prefix: {spec!r}")
        self.spec = dict(spec)
        self._folder = Path(spec["folder"]) if "folder" in spec else None
        self._prefix = spec.get("prefix", "")

    @classmethod
    def folder(cls, path: str | Path) -> Workspace:
        return cls({"folder": str(path)})

    @classmethod
    @contextlib.contextmanager
    def temporary(cls) -> Iterator[Workspace]:
        """A folder of its own, removed afterwards (a local finalization)."""
        with tempfile.TemporaryDirectory(prefix="finalize-") as folder:
            yield cls.folder(f"{folder}/parts")

    @classmethod
    def bucket(cls, round_id: str, run: str) -> Workspace:
        return cls({"prefix": result_store.key(round_id, f"parts/{run}/")})

    def _path(self, name: str) -> Path:
        assert self._folder is not None
        return self._folder / name

    @contextlib.contextmanager
    def writer(self, name: str) -> Iterator[BinaryIO]:
        if self._folder is not None:
            self._folder.mkdir(parents=True, exist_ok=True)
            with open(self._path(name), "wb") as out:
                yield out
        else:
            with result_store.Upload(self._prefix + name) as upload:
                yield upload  # type: ignore[misc]

    def reader(self, name: str) -> sheets.Reader:
        """Byte ranges of a part (the XLSX fragments)."""
        if self._folder is not None:
            return sheets.file_reader(str(self._path(name)))
        key = self._prefix + name
        return lambda offset, size: result_store.read_range(key, offset, size)

    def lines(self, name: str) -> Iterator[bytes]:
        if self._folder is not None:
            with open(self._path(name), "rb") as handle:
                yield from handle
        else:
            yield from result_store.read_lines(self._prefix + name)

    def chunks(self, name: str) -> Iterator[bytes]:
        """A whole part, in chunks."""
        if self._folder is not None:
            with open(self._path(name), "rb") as handle:
                while chunk := handle.read(1 << 20):
                    yield chunk
        else:
            yield from result_store.read_range(self._prefix + name, 0, result_store.size(self._prefix + name))

    def write_json(self, name: str, value: Any) -> None:
        with self.writer(name) as out:
            out.write(json.dumps(value).encode())

    def read_json(self, name: str) -> Any:
        return json.loads(b"".join(self.chunks(name)))

    def clear(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        else:
            result_store.delete_prefix(self._prefix)
