"""Exports organizers ask for (the registrations of a unit and its descendants), built later by a scheduled
function: a job is claimed with a lease, so two runs never build the same one and a run that died is taken
over once its lease has passed."""
from __future__ import annotations

from chalicelib.contest.records import Struct

KINDS = ("registrations",)
MAX_TRIES = 3                   # a job that failed this many times stays failed
LEASE_MS = 16 * 60 * 1000       # longer than a Lambda can run (15 minutes)


class ExportJob(Struct, frozen=True):
    id: str
    kind: str
    unit_id: str | None             # None: the whole contest
    requested_by: str
    requested_at: int
    status: str = "pending"         # pending | building | ready | failed
    lease_until: int | None = None
    tries: int = 0
    rows: int | None = None
    finished_at: int | None = None

    def claimable(self, now: int) -> bool:
        """Waiting to be built: never claimed, or claimed by a run whose lease has passed."""
        if self.tries >= MAX_TRIES:
            return False
        return self.status == "pending" or (self.status == "building" and (self.lease_until or 0) < now)

    @property
    def shown_status(self) -> str:
        """What the organizer sees: pending (also while building), ready or failed."""
        return "pending" if self.status == "building" else self.status

    def filename(self, extension: str) -> str:
        """The name an organizer's download is saved under."""
        return f"dang-ky-{self.unit_id or 'toan-cuoc-thi'}.{extension}"
