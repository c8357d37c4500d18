"""Each participant's final place, kept for `GET /api/me/rounds/{id}/standing` and the certificate: the merge
notes every ranked participant, the prizes are added, and the places are written next to the result files as
small JSON objects by participant (`places/<n>.json`, n from the participant id; one per PER_FILE participants,
at most MAX_FILES), so that one participant's place is one small read, whatever the round's size, and costs no
database write. How many files there are is saved with the final snapshots."""
from __future__ import annotations

import json
import zlib
from collections.abc import Iterable

from chalicelib.contest.finals import Accepted
from chalicelib.contest.ranking import ScoredAttempt

PER_FILE = 4000
MAX_FILES = 256
FIELDS = ("rank", "category_rank", "attempt_id", "unit_id", "category", "correct", "total", "duration_ms",
          "submitted_at", "prediction", "display_name", "prize")


def place_file(participant_id: str, files: int) -> str:
    return f"places/{zlib.crc32(participant_id.encode()) % files:03d}.json"


class Places:
    """The final places of a round's ranked participants, gathered during the merge (memory: one short row per
    participant, tuples the garbage collector soon stops tracking)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, int, tuple]] = {}      # participant id → rank, category rank, `entry`
        self._prizes: dict[str, str] = {}

    @staticmethod
    def entry(a: Accepted, display_name: str) -> tuple:
        """A place but for the ranks and the prize (made where the attempt is read: the merge adds the ranks)."""
        return (a.attempt_id, a.unit_id, a.category, a.correct, a.total, a.duration_ms, a.submitted_at, a.prediction,
                display_name)

    @staticmethod
    def attempt(participant_id: str, entry: tuple) -> ScoredAttempt:
        """The attempt of an `entry`."""
        return ScoredAttempt(entry[0], participant_id, *entry[1:8])

    def add(self, rank: int, category_rank: int, participant_id: str, entry: tuple) -> None:
        self.rows[participant_id] = (rank, category_rank, entry)

    def award(self, winners: Iterable[tuple[str, str]]) -> None:
        """(participant id, prize name) of each individual award."""
        for participant_id, prize in winners:
            if participant_id in self.rows:
                self._prizes[participant_id] = prize

    @property
    def file_count(self) -> int:
        return min(MAX_FILES, max(1, -(-len(self.rows) // PER_FILE)))

    def files(self) -> dict[str, bytes]:
        """File name → its JSON (participant id → row of FIELDS), every file written even when empty."""
        count = self.file_count
        grouped: dict[str, dict[str, list]] = {f"places/{n:03d}.json": {} for n in range(count)}
        for participant_id, (rank, category_rank, entry) in self.rows.items():
            grouped[place_file(participant_id, count)][participant_id] = [rank, category_rank, *entry,
                                                                         self._prizes.get(participant_id)]
        return {name: json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
                for name, rows in grouped.items()}


def place_of(document: dict, participant_id: str) -> dict | None:
    """A participant's place from a places file as read back (None when not ranked)."""
    row = document.get(participant_id)
    return None if row is None else dict(zip(FIELDS, row, strict=True))
