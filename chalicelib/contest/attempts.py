"""Attempts: drawing the questions, the time an attempt may still be submitted in, checking a submission and
scoring it; the participant's entry in a round that guards starting one. Randomness and time are passed in."""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from chalicelib.contest.names import mask_name
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import ScoredAttempt
from chalicelib.contest.rounds import Round
from chalicelib.contest.signals import attempt_flags


@dataclass(frozen=True)
class BankQuestion:
    id: str
    text: str
    options: tuple[tuple[str, str], ...]   # (option id, text) in the bank's order
    answer: str                             # the correct option id; never leaves the server


@dataclass(frozen=True)
class DrawnQuestion:
    id: str
    option_ids: tuple[str, ...]             # the order this attempt shows them in


def draw(bank: Sequence[BankQuestion], count: int, rng: random.Random) -> list[DrawnQuestion]:
    """`count` distinct questions at random (all of them if the bank is smaller), each with shuffled options."""
    chosen = rng.sample(list(bank), min(count, len(bank)))
    drawn = []
    for question in chosen:
        option_ids = [option_id for option_id, _ in question.options]
        rng.shuffle(option_ids)
        drawn.append(DrawnQuestion(question.id, tuple(option_ids)))
    return drawn


def answer_errors(drawn: Sequence[DrawnQuestion], answers: Mapping[str, object]) -> dict[str, str]:
    """Field errors for answers naming questions or options outside this attempt."""
    options_of = {q.id: set(q.option_ids) for q in drawn}
    errors = {}
    for question_id, option_id in answers.items():
        field = f"answers.{question_id}"[:120]
        if question_id not in options_of:
            errors[field] = "Câu hỏi không thuộc lượt thi này."
        elif not isinstance(option_id, str) or option_id not in options_of[question_id]:
            errors[field] = "Phương án không thuộc câu hỏi này."
    return errors


def score(drawn: Sequence[DrawnQuestion], answers: Mapping[str, str], key: Mapping[str, str]) -> int:
    """Number of questions answered with the correct option; unanswered counts as wrong."""
    return sum(1 for q in drawn if answers.get(q.id) is not None and answers.get(q.id) == key.get(q.id))


@dataclass(frozen=True)
class Attempt:
    """One attempt of a participant in a round: drawn at the start, scored once at the submission."""

    id: str
    participant_id: str
    round_id: str
    unit_id: str
    category: str
    display_name: str               # the masked name the public lists show
    started_at: int
    deadline: int                   # its own: started_at + the time limit, or the round's close if sooner
    accept_until: int               # deadline + grace, as the round's rules stood at the start
    bank_version: str
    questions: tuple[DrawnQuestion, ...]
    total: int
    status: str = "in_progress"     # in_progress | submitted
    answers: dict[str, str] | None = None
    correct: int | None = None
    prediction: int | None = None
    duration_ms: int | None = None
    submitted_at: int | None = None
    token_version: int = 0          # the participant's token version at the start (moved on by a reset):
                                    # the submission is accepted only from a token of this version
    flags: tuple[str, ...] = ()     # signals computed at submission (contest/signals.py)
    device_hash: str | None = None  # keyed hashes of the device id and the client address at the start
    address_hash: str | None = None

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"

    def accepted_until(self, round_: Round) -> int:
        """The last receive time a submission is accepted: its own, or the round's close plus the grace when the
        organizer closed the round (or moved closes_at) after the attempt started."""
        return min(self.accept_until, round_.closes_at + round_.grace_seconds * 1000)

    def shown_deadline(self, round_: Round) -> int:
        """The deadline as the participant sees it: its own, or the round's close if that came first."""
        return min(self.deadline, round_.closes_at)

    def status_at(self, round_: Round, now: int) -> str:
        """in_progress, submitted, or expired once no submission can be accepted any more."""
        if self.is_submitted:
            return "submitted"
        return "in_progress" if now <= self.accepted_until(round_) else "expired"

    def same_submission(self, answers: Mapping[str, str], prediction: int) -> bool:
        """A repeated identical submission (a network retry) gets the stored result."""
        return self.answers == dict(answers) and self.prediction == prediction

    def submit(self, answers: Mapping[str, str], key: Mapping[str, str], prediction: int, round_: Round,
               received_at: int, min_seconds_per_question: int = 0) -> Attempt:
        """The attempt as submitted at `received_at`: scored against the answer `key`, with its signals."""
        duration = round_.duration_ms(self.started_at, received_at)
        answered = sum(1 for q in self.questions if answers.get(q.id) is not None)
        return replace(self, status="submitted", answers=dict(sorted(answers.items())),
                       correct=score(self.questions, answers, key), prediction=prediction, duration_ms=duration,
                       submitted_at=received_at,
                       flags=tuple(attempt_flags(self.total, answered, duration, min_seconds_per_question)))

    def scored(self) -> ScoredAttempt:
        """The submitted attempt as the ranking sees it."""
        if not self.is_submitted:
            raise ValueError(f"attempt {self.id} is not submitted")
        return ScoredAttempt(attempt_id=self.id, participant_id=self.participant_id, unit_id=self.unit_id,
                             category=self.category, correct=self.correct or 0, total=self.total,
                             duration_ms=self.duration_ms or 0, submitted_at=self.submitted_at or 0,
                             prediction=self.prediction or 0)


def begin(attempt_id: str, participant: Participant, round_: Round, drawn: Sequence[DrawnQuestion],
          now: int, device_hash: str | None = None, address_hash: str | None = None) -> Attempt:
    """A new attempt of `participant` in `round_`, started at `now` with the questions drawn for it, from the
    device and address these keyed hashes stand for."""
    if round_.bank_version is None:
        raise ValueError(f"round {round_.id} has no question bank")
    return Attempt(id=attempt_id, participant_id=participant.id, round_id=round_.id, unit_id=participant.unit_id,
                   category=participant.category, display_name=mask_name(participant.full_name), started_at=now,
                   deadline=round_.attempt_deadline(now), accept_until=round_.accept_until(now),
                   bank_version=round_.bank_version, questions=tuple(drawn), total=len(drawn),
                   token_version=participant.token_version, device_hash=device_hash, address_hash=address_hash)


def best_attempt(attempts: Iterable[Attempt], key: Callable[[ScoredAttempt], tuple]) -> Attempt | None:
    """The best submitted attempt under the ranking order `key`, or None."""
    return min((a for a in attempts if a.is_submitted), key=lambda a: key(a.scored()), default=None)


@dataclass(frozen=True)
class Entry:
    """A participant's state in a round: attempts used and the attempt in progress, if any."""

    attempts_used: int = 0
    in_progress: str | None = None
    in_progress_until: int | None = None

    def in_progress_at(self, now: int) -> str | None:
        """The attempt the entry still holds open at `now`, if any."""
        if self.in_progress and self.in_progress_until is not None and self.in_progress_until >= now:
            return self.in_progress
        return None

    def limit_reached(self, max_attempts: int | None) -> bool:
        return max_attempts is not None and self.attempts_used >= max_attempts
