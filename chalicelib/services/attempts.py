"""Starting, reading and submitting attempts: the write path, kept to one transaction and one write."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from chalicelib import auth, errors, runtime
from chalicelib.clients import Client
from chalicelib.contest import attempts as rules
from chalicelib.contest.attempts import Attempt
from chalicelib.contest.rounds import Round
from chalicelib.fields import integer, validate
from chalicelib.observability import metrics_count
from chalicelib.services import contest as contest_service
from chalicelib.services import sessions
from chalicelib.services.lookups import round_or_404
from chalicelib.services.views import attempt_view, result_view
from chalicelib.store import attempts as attempt_store
from chalicelib.store import rounds as round_store

MAX_PREDICTION = 1_000_000_000
START_TRIES = 4         # rounds of optimistic retry when concurrent starts contend for the entry


@dataclass(frozen=True)
class Started:
    """The attempt to show, and whether it was created now (or is the one already in progress)."""

    body: dict
    created: bool


def _not_open() -> errors.Conflict:
    return errors.conflict("round_not_open", "Đợt thi chưa mở hoặc đã kết thúc.")


def _hashed(label: str, value: str | None) -> str | None:
    return None if value is None else auth.keyed_hash(label, value)


def start(principal: auth.Principal, round_id: str, client: Client = Client()) -> Started:
    round_ = round_or_404(round_id)
    now = runtime.now_ms()
    if not round_.is_accepting(now) or not round_.bank_version or not round_.bank_ready:  # bank too small: none
        raise _not_open()
    participant = sessions.current(principal, consistent=False)   # the transaction checks the version again
    participant_id = participant.id
    if participant.is_disqualified:   # a disqualified participant starts nothing (RULES.md, Fairness)
        raise errors.Forbidden("disqualified", "Bạn đã bị ban tổ chức loại khỏi cuộc thi nên không thể làm bài.")
    bank = round_store.load_bank(round_.id, round_.bank_version)
    drawn = rules.draw(bank, round_.questions_per_attempt, runtime.rng)
    attempt = rules.begin(uuid.uuid4().hex, participant, round_, drawn, now,
                          _hashed("device", client.device), _hashed("address", client.address))
    finished = None
    for _ in range(START_TRIES):
        try:
            attempt_store.start(attempt, round_.max_attempts, now, finished)
            metrics_count("AttemptsStarted")
            return Started({"attempt": attempt_view(attempt, bank, round_, now)}, created=True)
        except attempt_store.SessionEnded:
            raise errors.unauthorized() from None
        except attempt_store.StartRefused:
            entry = attempt_store.get_entry(participant_id, round_.id) or rules.Entry()
            open_id = entry.in_progress_at(now)
            current = attempt_store.get(open_id) if open_id else None
            if current is not None and not current.is_submitted:
                current_bank = round_store.load_bank(round_.id, current.bank_version)
                return Started({"attempt": attempt_view(current, current_bank, round_, now)}, created=False)
            # checked whether or not the entry still points at a submitted attempt
            if entry.limit_reached(round_.max_attempts):
                raise errors.conflict("attempt_limit_reached",
                                      "Bạn đã dùng hết số lượt thi của đợt này.") from None
            finished = open_id  # submitted: the entry may move on to a new attempt
    raise errors.conflict("attempt_conflict", "Hệ thống đang bận, vui lòng thử lại.")


def _owned(principal: auth.Principal, attempt_id: str) -> Attempt:
    """The attempt, if it is the token's participant's and the token is the account's current one (404 / 401).
    An attempt in progress carries the current token version (sessions.end_sessions moves it), so for it the
    copy answers without reading the participant; for any other the participant is read."""
    attempt = attempt_store.get(attempt_id)
    if attempt is None or attempt.participant_id != principal.subject:
        raise errors.not_found("attempt_not_found", "Không tìm thấy lượt thi.")
    open_ = not attempt.is_submitted and runtime.now_ms() <= attempt.accept_until
    if not (open_ and attempt.token_version == principal.version):
        sessions.current(principal)
        if open_:   # an attempt from before token versions, or started just as the version moved
            attempt_store.move_version(attempt.id, principal.version)
            attempt = replace(attempt, token_version=principal.version)
    return attempt


def read(principal: auth.Principal, attempt_id: str) -> dict:
    attempt = _owned(principal, attempt_id)
    round_ = round_or_404(attempt.round_id)
    bank = round_store.load_bank(attempt.round_id, attempt.bank_version)
    return {"attempt": attempt_view(attempt, bank, round_, runtime.now_ms())}


def _answers(value):
    if not isinstance(value, dict) or len(value) > 500:
        raise ValueError("Phải là một đối tượng: mã câu hỏi → mã phương án.")
    return value


SUBMISSION = {"answers": (_answers, True), "prediction": (integer(0, MAX_PREDICTION), True)}


def _already(attempt: Attempt, round_: Round, answers: dict, prediction: int) -> dict:
    """A repeated identical submission gets the stored result; a different one is refused."""
    if attempt.same_submission(answers, prediction):
        return {"result": result_view(attempt, round_)}
    metrics_count("SubmissionsRefused", reason="already_submitted")
    raise errors.conflict("already_submitted", "Bài thi này đã được nộp.")


def _deadline_passed() -> errors.Conflict:
    metrics_count("SubmissionsRefused", reason="deadline_passed")
    return errors.conflict("deadline_passed", "Đã hết thời gian nộp bài.")


def submit(principal: auth.Principal, attempt_id: str, body: dict) -> dict:
    now = runtime.now_ms()
    clean = validate(body, SUBMISSION)
    attempt = _owned(principal, attempt_id)
    answers, prediction = clean["answers"], clean["prediction"]
    bad = rules.answer_errors(attempt.questions, answers)
    if bad:
        metrics_count("SubmissionsRefused", reason="invalid")
        raise errors.invalid(bad)
    round_ = round_or_404(attempt.round_id)
    if attempt.is_submitted:
        return _already(attempt, round_, answers, prediction)
    if now > attempt.accepted_until(round_):
        raise _deadline_passed()
    key = {q.id: q.answer for q in round_store.load_bank(attempt.round_id, attempt.bank_version)}
    minimum = contest_service.settings().min_seconds_per_question
    submitted = attempt.submit(answers, key, prediction, round_, now, minimum)
    # the write's condition holds the token's version against the attempt's copy: no read of the participant
    if not attempt_store.submit(submitted, now, principal.version):
        latest = attempt_store.get(attempt_id)
        if latest is not None and latest.is_submitted:
            return _already(latest, round_, answers, prediction)
        if latest is not None and latest.token_version != principal.version:
            raise errors.unauthorized()
        raise _deadline_passed()
    metrics_count("SubmissionsAccepted")
    return {"result": result_view(submitted, round_)}
