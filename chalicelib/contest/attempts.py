"""Attempts: drawing the questions, the time an attempt may still be submitted in, checking a submission and
scoring it, and what accepting it changes in its participant's standing. Randomness and time are passed in.

An attempt refers to its bank version by position: each drawn question is the index of a question in the bank
version and the order of its options as bank positions; the answers are the chosen bank positions. The ids of
the contract are the bank's, mapped here from positions and back."""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence

from chalicelib.contest.names import mask_name
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import ScoredAttempt, live_key
from chalicelib.contest.records import Struct, replace
from chalicelib.contest.rounds import Round
from chalicelib.contest.signals import attempt_flags


class BankQuestion(Struct, frozen=True):
    id: str
    text: str
    options: tuple[tuple[str, str], ...]   # (option id, text) in the bank's order
    answer: str                             # the correct option id; never leaves the server

    def position(self, option_id: object) -> int | None:
        """Where the option with this id stands in the bank's order, or None."""
        return next((i for i, (oid, _) in enumerate(self.options) if oid == option_id), None)


class DrawnQuestion(Struct, frozen=True):
    index: int                  # the question's position in its bank version
    order: tuple[int, ...]      # its options' bank positions, in the order this attempt shows them


def draw(bank: Sequence[BankQuestion], count: int, rng: random.Random) -> list[DrawnQuestion]:
    """`count` distinct questions at random (all of them if the bank is smaller), each with shuffled options."""
    drawn = []
    for index in rng.sample(range(len(bank)), min(count, len(bank))):
        order = list(range(len(bank[index].options)))
        rng.shuffle(order)
        drawn.append(DrawnQuestion(index, tuple(order)))
    return drawn


def choices(drawn: Sequence[DrawnQuestion], bank: Sequence[BankQuestion],
            answers: Mapping[str, object]) -> tuple[tuple[int | None, ...], dict[str, str]]:
    """The chosen option of each drawn question (its bank position, None when unanswered) from answers given by
    question and option id; and field errors for answers naming questions or options outside this attempt."""
    slot = {bank[q.index].id: i for i, q in enumerate(drawn)}
    chosen: list[int | None] = [None] * len(drawn)
    errors = {}
    for question_id, option_id in answers.items():
        field = f"answers.{question_id}"[:120]
        if question_id not in slot:
            errors[field] = "Câu hỏi không thuộc lượt thi này."
            continue
        position = bank[drawn[slot[question_id]].index].position(option_id)
        if not isinstance(option_id, str) or position is None:
            errors[field] = "Phương án không thuộc câu hỏi này."
        else:
            chosen[slot[question_id]] = position
    return tuple(chosen), errors


def score(drawn: Sequence[DrawnQuestion], chosen: Sequence[int | None], bank: Sequence[BankQuestion]) -> int:
    """Number of questions answered with the correct option; unanswered counts as wrong."""
    return sum(1 for q, c in zip(drawn, chosen, strict=True)
               if c is not None and c == bank[q.index].position(bank[q.index].answer))


class Progress(Struct, frozen=True):
    """What accepting an attempt changes in its participant's standing, known exactly when it is accepted: every
    earlier attempt of the round is over by then (one at a time), and no later one exists yet."""

    first: bool                 # the participant's first accepted attempt in the round
    best: bool                  # it is the participant's live best in the round now
    gain: int                   # how much the participant's best `correct` in the round rose
    contest_first: str | None   # "yes": the first accepted attempt in the contest; "maybe": first unless an
                                # attempt in progress in another round was accepted first; None: not the first


def attempt_id(participant_id: str, number: int) -> str:
    """The id of a participant's `number`-th attempt (counted over every round)."""
    return f"{participant_id}.{number}"


def split_attempt_id(value: object) -> tuple[str, int] | None:
    """(participant id, number) of an attempt id, or None for anything no attempt can have."""
    if not isinstance(value, str) or "." not in value:
        return None
    participant_id, number = value.rsplit(".", 1)
    if not participant_id or not number.isascii() or not number.isdigit() or len(number) > 9:
        return None
    return participant_id, int(number)


class Attempt(Struct, frozen=True):
    """One attempt of a participant in a round: drawn at the start, scored once at the submission."""

    participant_id: str
    number: int                     # the participant's n-th attempt, over every round
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
    answers: tuple[int | None, ...] | None = None   # the chosen bank positions, one per question
    correct: int | None = None
    prediction: int | None = None
    duration_ms: int | None = None
    submitted_at: int | None = None
    token_version: int = 0          # the participant's token version at the start (moved on by a reset):
                                    # the submission is accepted only from a token of this version
    flags: tuple[str, ...] = ()     # signals computed at submission (contest/signals.py)
    device_hash: str | None = None  # keyed hashes of the device id and the client address at the start
    address_hash: str | None = None
    progress: Progress | None = None

    @property
    def id(self) -> str:
        return attempt_id(self.participant_id, self.number)

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

    def same_submission(self, chosen: Sequence[int | None], prediction: int) -> bool:
        """A repeated identical submission (a network retry) gets the stored result."""
        return self.answers == tuple(chosen) and self.prediction == prediction

    def submit(self, chosen: Sequence[int | None], bank: Sequence[BankQuestion], prediction: int, round_: Round,
               received_at: int, others: Iterable[Attempt], min_seconds_per_question: int = 0) -> Attempt:
        """The attempt as submitted at `received_at`, scored against the bank, with its signals and what it
        changes for its participant given the participant's `others` attempts (every round)."""
        duration = round_.duration_ms(self.started_at, received_at)
        answered = sum(1 for c in chosen if c is not None)
        done = replace(self, status="submitted", answers=tuple(chosen), correct=score(self.questions, chosen, bank),
                       prediction=prediction, duration_ms=duration, submitted_at=received_at,
                       flags=tuple(attempt_flags(self.total, answered, duration, min_seconds_per_question)))
        return replace(done, progress=_progress(done, [a for a in others if a.number != self.number], received_at))

    def scored(self) -> ScoredAttempt:
        """The submitted attempt as the ranking sees it."""
        if not self.is_submitted:
            raise ValueError(f"attempt {self.id} is not submitted")
        return ScoredAttempt(attempt_id=self.id, participant_id=self.participant_id, unit_id=self.unit_id,
                             category=self.category, correct=self.correct or 0, total=self.total,
                             duration_ms=self.duration_ms or 0, submitted_at=self.submitted_at or 0,
                             prediction=self.prediction or 0)


def _progress(done: Attempt, others: list[Attempt], now: int) -> Progress:
    prior = best_attempt((a for a in others if a.round_id == done.round_id), live_key)
    if prior is not None:
        best = live_key(done.scored()) < live_key(prior.scored())
        gain = max(0, (done.correct or 0) - (prior.correct or 0)) if best else 0
        return Progress(first=False, best=best, gain=gain, contest_first=None)
    elsewhere = [a for a in others if a.round_id != done.round_id]
    if any(a.is_submitted for a in elsewhere):
        contest_first = None
    elif any(a.accept_until >= now for a in elsewhere):
        contest_first = "maybe"
    else:
        contest_first = "yes"
    return Progress(first=True, best=True, gain=done.correct or 0, contest_first=contest_first)


def begin(participant: Participant, number: int, round_: Round, drawn: Sequence[DrawnQuestion],
          now: int, device_hash: str | None = None, address_hash: str | None = None) -> Attempt:
    """The participant's `number`-th attempt, in `round_`, started at `now` with the questions drawn for it, from
    the device and address these keyed hashes stand for."""
    if round_.bank_version is None:
        raise ValueError(f"round {round_.id} has no question bank")
    return Attempt(participant_id=participant.id, number=number, round_id=round_.id, unit_id=participant.unit_id,
                   category=participant.category, display_name=mask_name(participant.full_name), started_at=now,
                   deadline=round_.attempt_deadline(now), accept_until=round_.accept_until(now),
                   bank_version=round_.bank_version, questions=tuple(drawn), total=len(drawn),
                   token_version=participant.token_version, device_hash=device_hash, address_hash=address_hash)


def best_attempt(attempts: Iterable[Attempt], key: Callable[[ScoredAttempt], tuple]) -> Attempt | None:
    """The best submitted attempt under the ranking order `key`, or None."""
    return min((a for a in attempts if a.is_submitted), key=lambda a: key(a.scored()), default=None)


class Entry(Struct, frozen=True):
    """A participant's attempts in one round, as a start sees them."""

    attempts: tuple[Attempt, ...]

    def in_progress(self, round_: Round, now: int) -> Attempt | None:
        """The attempt still open at `now`, if any (there is at most one)."""
        return next((a for a in self.attempts if a.status_at(round_, now) == "in_progress"), None)

    def limit_reached(self, max_attempts: int | None) -> bool:
        return max_attempts is not None and len(self.attempts) >= max_attempts


def next_number(attempts: Iterable[Attempt]) -> int:
    """The number of a participant's next attempt, given all of theirs."""
    return max((a.number for a in attempts), default=0) + 1
