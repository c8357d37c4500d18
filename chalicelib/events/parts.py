"""What a reduce task leaves in the workspace for the merge, in the forms the merge reads fastest: its rows of the
attempts file (CSV lines and deflated XLSX fragments, joined by the merge as they are) and its participants' bests
in the final order (each with its ranking row's text but the ranks, and its place), so that the merge, the one
step that cannot run in parallel, only interleaves rows and numbers them."""
from __future__ import annotations

import io
import pickle
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, NamedTuple

from chalicelib.contest import sheets
from chalicelib.contest.finals import Accepted
from chalicelib.contest.names import mask_name
from chalicelib.contest.places import Places
from chalicelib.events import exports

BATCH = 2048                    # rows written at once (CSV lines, XML rows, pickled bests)


class AttemptsPart:
    """A task's rows of the attempts file (`exports.AttemptRows`), written in batches as CSV lines and XLSX
    fragments of at most `max_rows` rows each."""

    def __init__(self, rows: exports.AttemptRows, csv_out: BinaryIO, xlsx_out: BinaryIO, max_rows: int) -> None:
        self._rows, self._csv_out = rows, csv_out
        self._fragments = sheets.FragmentWriter(xlsx_out, max_rows)
        self._lines: list[bytes] = []
        self._xml: list[bytes] = []

    def passing(self, attempts: Iterable[Accepted]) -> Iterator[Accepted]:
        """The attempts, each written on its way through."""
        both, lines, xml = self._rows.both, self._lines, self._xml
        for a in attempts:
            line, row = both(a)
            lines.append(line)
            xml.append(row)
            if len(lines) >= BATCH:
                self._flush()
            yield a

    def _flush(self) -> None:
        self._csv_out.write(b"".join(self._lines))
        self._fragments.extend(self._xml)
        self._lines.clear()
        self._xml.clear()

    def close(self) -> list[sheets.Fragment]:
        self._flush()
        return self._fragments.close()


class Best(NamedTuple):
    """A participant's best as a task hands it to the merge. Rows compare as plain tuples in the final order (`key`
    first, and attempt ids are unique), so the merge orders them with no key function; they are stored and read
    back as plain tuples, in this order of fields."""

    key: tuple
    participant_id: str
    category: str
    place: tuple            # `Places.entry`: the place but for the ranks (and the attempt, `Places.attempt`)
    csv_rest: bytes         # the ranking row after the ranks (`exports.RankingRows`)
    xml_rest: bytes


def best_of(a: Accepted, key: tuple, full_name: str | None, rest: tuple[bytes, bytes]) -> tuple:
    """A `Best` as the plain tuple it is stored as (a million of them: no named tuple made, then undone)."""
    return (key, a.participant_id, a.category, Places.entry(a, mask_name(full_name or "")), *rest)


def write_tuples(out: BinaryIO, rows: Iterable[tuple], batch_size: int = BATCH) -> None:
    """Rows (bests, candidates, people) pickled in batches of plain tuples (read back by `read_tuples`, which
    looks up no class; a named tuple is written as the plain tuple of its fields)."""
    for batch in exports.batches(rows, batch_size):
        out.write(pickle.dumps([tuple(row) for row in batch], protocol=pickle.HIGHEST_PROTOCOL))


class _PlainUnpickler(pickle.Unpickler):
    """Tuples, lists, strings, numbers and None only: no class or function is ever looked up, so a part in the
    workspace cannot make the merge run code (pickle's own way of restricting what it loads)."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"a part holds plain values only, not {module}.{name}")


class _Chunks(io.RawIOBase):
    """A file to read from an iterator of byte chunks (a workspace part, from a folder or the bucket)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks, self._left = iter(chunks), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            self._left = next(self._chunks, b"")
            if not self._left:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def read_tuples(chunks: Iterable[bytes]) -> Iterator[list[tuple]]:
    """Rows as `write_tuples` wrote them (plain tuples), in order, in their batches."""
    file = io.BufferedReader(_Chunks(chunks), 1 << 20)
    while True:
        try:
            batch = _PlainUnpickler(file).load()      # one unpickler a batch: each pickle numbers its memo anew
        except EOFError:
            return
        yield batch
