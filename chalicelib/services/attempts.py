"""Starting, reading and submitting attempts: the write path, one conditional write each, no transaction.

A start reads the participant's attempts (one Query), resumes the one in progress or stores the next number with
a condition that it is new; a submission reads the same Query, scores against the cached bank and writes the
result with a condition on the attempt's status, time and token version."""
from __future__ import annotations

from chalicelib import auth, errors, runtime
from chalicelib.clients import Client
from chalicelib.contest import attempts as rules
from chalicelib.contest.attempts import Attempt
from chalicelib.contest.records import Struct, replace
from chalicelib.contest.rounds import Round
from chalicelib.fields import integer, validate
from chalicelib.observability import metrics_count
from chalicelib.services import contest as contest_service
from chalicelib.services import sessions
from chalicelib.services.lookups import round_or_404
from chalicelib.services.retries import retried
from chalicelib.services.views import attempt_view, result_view
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import rounds as round_store

MAX_PREDICTION = 1_000_000_000
START_TRIES = 4         # concurrent starts of one participant: each lost race re-reads and tries the next number


class Started(Struct, frozen=True):
    """The attempt to show, and whether it was created now (or is the one already in progress)."""

    body: dict
    created: bool


def _not_open() -> errors.Conflict:
    return errors.conflict("round_not_open", "Đợt thi chưa mở hoặc đã kết thúc.")


def _hashed(label: str, value: str | None) -> str | None:
    return None if value is None else auth.keyed_hash(label, value)


def _shown(attempt: Attempt, round_: Round, now: int) -> dict:
    bank = round_store.load_bank(attempt.round_id, attempt.bank_version)
    return {"attempt": attempt_view(attempt, bank, round_, now)}


def start(principal: auth.Principal, round_id: str, client: Client = Client()) -> Started:
    """A new attempt, or the one in progress; transient faults are tried again from the top, with the time of
    receipt taken once (a start whose answer was lost finds its attempt in progress)."""
    now = runtime.now_ms()
    return retried(lambda: _start(principal, round_id, client, now), "start")


def _start(principal: auth.Principal, round_id: str, client: Client, now: int) -> Started:
    round_ = round_or_404(round_id)
    if not round_.is_accepting(now) or not round_.bank_version or not round_.bank_ready:  # bank too small: none
        raise _not_open()
    participant = sessions.current(principal)
    if participant.is_disqualified:   # a disqualified participant starts nothing (RULES.md, Fairness)
        raise errors.Forbidden("disqualified", "Bạn đã bị ban tổ chức loại khỏi cuộc thi nên không thể làm bài.")
    bank = round_store.load_bank(round_.id, round_.bank_version)
    for _ in range(START_TRIES):
        mine = attempt_store.of_participant(participant.id)
        entry = rules.Entry(tuple(a for a in mine if a.round_id == round_.id))
        current = entry.in_progress(round_, now)
        if current is not None:
            return Started(_shown(current, round_, now), created=False)
        if entry.limit_reached(round_.max_attempts):
            raise errors.conflict("attempt_limit_reached", "Bạn đã dùng hết số lượt thi của đợt này.")
        drawn = rules.draw(bank, round_.questions_per_attempt, runtime.rng)
        attempt = rules.begin(participant, rules.next_number(mine), round_, drawn, now,
                              _hashed("device", client.device), _hashed("address", client.address))
        try:
            attempt_store.start(attempt)
        except attempt_store.NumberTaken:
            continue
        _version_after_start(principal, attempt)
        metrics_count("AttemptsStarted")
        return Started({"attempt": attempt_view(attempt, bank, round_, now)}, created=True)
    raise errors.conflict("attempt_conflict", "Hệ thống đang bận, vui lòng thử lại.")


def _version_after_start(principal: auth.Principal, attempt: Attempt) -> None:
    """A reset that moved the token version between the start's read and its write did not see the new attempt
    (sessions.end_sessions): read the version again and move the attempt's copy; 401 if the token is stale."""
    fresh = participant_store.get(principal.subject, consistent=True)
    version = fresh.token_version if fresh is not None else -1
    if version != attempt.token_version:
        attempt_store.move_version(attempt, version)
    if version != principal.version:
        raise errors.unauthorized()


def _not_found() -> errors.NotFound:
    return errors.not_found("attempt_not_found", "Không tìm thấy lượt thi.")


def _own_number(principal: auth.Principal, attempt_id: str) -> int:
    """The attempt's number if the id is one of the token's participant's attempts (no read for anyone else's)."""
    key = rules.split_attempt_id(attempt_id)
    if key is None or key[0] != principal.subject:
        raise _not_found()
    return key[1]


def _session_checked(principal: auth.Principal, attempt: Attempt) -> Attempt:
    """The attempt, if the token is the account's current one (401 otherwise). An attempt in progress carries the
    current token version (sessions.end_sessions moves it), so for it the copy answers without reading the
    participant; for any other the participant is read."""
    open_ = not attempt.is_submitted and runtime.now_ms() <= attempt.accept_until
    if not (open_ and attempt.token_version == principal.version):
        sessions.current(principal)
        if open_:   # an attempt from before token versions, or started just as the version moved
            attempt_store.move_version(attempt, principal.version)
            attempt = replace(attempt, token_version=principal.version)
    return attempt


def read(principal: auth.Principal, attempt_id: str) -> dict:
    _own_number(principal, attempt_id)
    attempt = attempt_store.get(attempt_id)
    if attempt is None:
        raise _not_found()
    attempt = _session_checked(principal, attempt)
    return _shown(attempt, round_or_404(attempt.round_id), runtime.now_ms())


def _answers(value):
    if not isinstance(value, dict) or len(value) > 500:
        raise ValueError("Phải là một đối tượng: mã câu hỏi → mã phương án.")
    return value


SUBMISSION = {"answers": (_answers, True), "prediction": (integer(0, MAX_PREDICTION), True)}


def _already(attempt: Attempt, round_: Round, chosen: tuple, prediction: int) -> dict:
    """A repeated identical submission gets the stored result; a different one is refused."""
    if attempt.same_submission(chosen, prediction):
        return {"result": result_view(attempt, round_)}
    metrics_count("SubmissionsRefused", reason="already_submitted")
    raise errors.conflict("already_submitted", "Bài thi này đã được nộp.")


def _deadline_passed() -> errors.Conflict:
    metrics_count("SubmissionsRefused", reason="deadline_passed")
    return errors.conflict("deadline_passed", "Đã hết thời gian nộp bài.")


def submit(principal: auth.Principal, attempt_id: str, body: dict) -> dict:
    """The submission, scored and stored with one conditional write. Transient faults are tried again from the
    top with the time of receipt taken once, so a submission received in time stays in time; a try whose write
    went through but whose answer was lost finds it submitted with the same answers and gets its result."""
    now = runtime.now_ms()
    clean = validate(body, SUBMISSION)
    return retried(lambda: _submit(principal, attempt_id, clean, now), "submit")


def _submit(principal: auth.Principal, attempt_id: str, clean: dict, now: int) -> dict:
    number = _own_number(principal, attempt_id)
    mine = attempt_store.of_participant(principal.subject)
    attempt = next((a for a in mine if a.number == number), None)
    if attempt is None:
        raise _not_found()
    attempt = _session_checked(principal, attempt)
    prediction = clean["prediction"]
    bank = round_store.load_bank(attempt.round_id, attempt.bank_version)
    chosen, bad = rules.choices(attempt.questions, bank, clean["answers"])
    if bad:
        metrics_count("SubmissionsRefused", reason="invalid")
        raise errors.invalid(bad)
    round_ = round_or_404(attempt.round_id)
    if attempt.is_submitted:
        return _already(attempt, round_, chosen, prediction)
    if now > attempt.accepted_until(round_):
        raise _deadline_passed()
    minimum = contest_service.settings().min_seconds_per_question
    submitted = attempt.submit(chosen, bank, prediction, round_, now, mine, minimum)
    # the write's condition holds the token's version against the attempt's copy: no read of the participant
    if not attempt_store.submit(submitted, now, principal.version):
        latest = attempt_store.get(attempt_id)
        if latest is not None and latest.is_submitted:
            return _already(latest, round_, chosen, prediction)
        if latest is not None and latest.token_version != principal.version:
            raise errors.unauthorized()
        raise _deadline_passed()
    metrics_count("SubmissionsAccepted")
    return {"result": result_view(submitted, round_)}
