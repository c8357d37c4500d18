"""A round's rules and its time window. Times are epoch milliseconds (UTC)."""
from __future__ import annotations

from chalicelib.contest.prizes import Prize, UnitPrize
from chalicelib.contest.records import Struct

STATUSES = ("scheduled", "open", "closed", "finalized")
SCORE_VISIBILITY = ("immediate", "after_publish")


class Round(Struct, frozen=True):
    id: str
    name: str
    opens_at: int
    closes_at: int
    status: str = "scheduled"
    questions_per_attempt: int = 20
    time_limit_seconds: int = 1200
    max_attempts: int | None = 5
    grace_seconds: int = 30
    prediction_question: str = "Theo bạn, sẽ có bao nhiêu người trả lời đúng tất cả các câu hỏi của đợt thi này?"
    prediction_target: str = "perfect_participants"
    bank_version: str | None = None     # which version of the question bank attempts draw from
    question_count: int = 0
    prediction_truth: int | None = None  # known once the round is finalized
    score_visibility: str = "immediate"  # after_publish: no participant sees `correct` before publication
    published_at: int | None = None      # when the final results went public (None: not yet)
    prizes: tuple[Prize, ...] = ()       # awarded down the final ranking at finalization (contest/prizes.py)
    unit_prizes: tuple[UnitPrize, ...] = ()
    finalize_failures: int = 0           # failed finalizations in a row; the schedule stops at a limit
    finalize_restarts: int = 0           # how often an organizer restarted it (names a fresh execution)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def bank_ready(self) -> bool:
        """The bank holds enough questions for an attempt; a round whose bank does not never accepts one."""
        return self.bank_version is not None and self.question_count >= self.questions_per_attempt

    @property
    def scores_visible(self) -> bool:
        """Whether participants may see `correct` (and anything derived from it) for this round yet."""
        return self.score_visibility == "immediate" or self.is_published

    def is_accepting(self, now: int) -> bool:
        """Server time decides, not the stored status: a late scheduler never widens the window."""
        return self.status not in ("closed", "finalized") and self.opens_at <= now < self.closes_at

    def effective_status(self, now: int) -> str:
        """What the public sees: the stored status, moved on by the clock when the scheduler lags."""
        if self.status in ("closed", "finalized"):
            return self.status
        if now >= self.closes_at:
            return "closed"
        if now >= self.opens_at:
            return "open"
        return "scheduled"

    def has_started(self, now: int) -> bool:
        return self.status != "scheduled" or now >= self.opens_at

    def attempt_deadline(self, started_at: int) -> int:
        return min(started_at + self.time_limit_seconds * 1000, self.closes_at)

    def accept_until(self, started_at: int) -> int:
        """The last server receive time at which a submission is still accepted (inclusive)."""
        return self.attempt_deadline(started_at) + self.grace_seconds * 1000

    def duration_ms(self, started_at: int, received_at: int) -> int:
        return max(0, min(received_at - started_at, self.time_limit_seconds * 1000))


RULE_LIMITS: dict[str, tuple[int, int]] = {
    "questions_per_attempt": (1, 200),
    "time_limit_seconds": (10, 24 * 3600),
    "max_attempts": (1, 1000),
    "grace_seconds": (0, 600),
}
# Prizes may change until the round is published (they take effect when it is finalized, or finalized again).
PRIZE_FIELDS = ("prizes", "unit_prizes")
FROZEN_ONCE_OPEN = (
    "opens_at", "questions_per_attempt", "time_limit_seconds", "max_attempts",
    "grace_seconds", "prediction_question", "prediction_target", "score_visibility",
)
