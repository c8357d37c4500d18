"""Starting, reading and submitting attempts: the write path, kept to one transaction and one write."""
from __future__ import annotations

import uuid

from chalicelib import errors, runtime
from chalicelib.api.http import integer, validate
from chalicelib.contest import attempts as rules
from chalicelib.contest.names import mask_name
from chalicelib.observability import metrics_count
from chalicelib.services.lookups import round_or_404
from chalicelib.services.views import accepted_until, attempt_view, result_view
from chalicelib.store import attempts as store
from chalicelib.store import participants as participant_store
from chalicelib.store import rounds as round_store
from chalicelib.store.models import AttemptModel, DrawnQuestionMap

MAX_PREDICTION = 1_000_000_000


def _not_open() -> errors.ApiError:
    return errors.conflict("round_not_open", "Đợt thi chưa mở hoặc đã kết thúc.")


def start(participant_id: str, round_id: str) -> tuple[dict, int]:
    """201 with a new attempt, or 200 with the one already in progress."""
    round_ = round_or_404(round_id)
    now = runtime.now_ms()
    if not round_.is_accepting(now) or not round_.bank_version:
        raise _not_open()
    participant = participant_store.get(participant_id)
    if participant is None:
        raise errors.unauthorized()
    bank = round_store.load_bank(round_.id, round_.bank_version)
    drawn = rules.draw(bank, round_.questions_per_attempt, runtime.rng)
    attempt = AttemptModel(
        uuid.uuid4().hex, participant_id=participant_id, round_id=round_.id, unit_id=participant.unit_id,
        category=participant.category, display_name=mask_name(participant.full_name), started_at=now,
        deadline=round_.attempt_deadline(now), accept_until=round_.accept_until(now),
        bank_version=round_.bank_version, status="in_progress", total=len(drawn),
        questions=[DrawnQuestionMap(id=q.id, option_ids=list(q.option_ids)) for q in drawn])
    finished = None
    for _ in range(4):  # a few rounds of optimistic retry under contention
        try:
            store.start(attempt, round_.max_attempts, now, finished)
            metrics_count("AttemptsStarted")
            return {"attempt": attempt_view(attempt, bank, round_, now)}, 201
        except store.StartRefused:
            entry = store.get_entry(participant_id, round_.id)
            pointing = entry and entry.in_progress and entry.in_progress_until is not None \
                and entry.in_progress_until >= now
            if pointing:
                current = store.get(entry.in_progress)
                if current is not None and current.status == "in_progress":
                    current_bank = round_store.load_bank(round_.id, current.bank_version)
                    return {"attempt": attempt_view(current, current_bank, round_, now)}, 200
            # checked whether or not the entry still points at a submitted attempt
            if entry and round_.max_attempts is not None and entry.attempts_used >= round_.max_attempts:
                raise errors.conflict("attempt_limit_reached",
                                      "Bạn đã dùng hết số lượt thi của đợt này.") from None
            if pointing:
                finished = entry.in_progress  # submitted: the entry may move on to a new attempt
    raise errors.ApiError(409, "attempt_conflict", "Hệ thống đang bận, vui lòng thử lại.")


def _owned(participant_id: str, attempt_id: str) -> AttemptModel:
    item = store.get(attempt_id) if len(attempt_id) <= 64 else None
    if item is None or item.participant_id != participant_id:
        raise errors.not_found("attempt_not_found", "Không tìm thấy lượt thi.")
    return item


def read(participant_id: str, attempt_id: str) -> dict:
    item = _owned(participant_id, attempt_id)
    round_ = round_or_404(item.round_id)
    bank = round_store.load_bank(item.round_id, item.bank_version)
    return {"attempt": attempt_view(item, bank, round_, runtime.now_ms())}


def _answers(value):
    if not isinstance(value, dict) or len(value) > 500:
        raise ValueError("Phải là một đối tượng: mã câu hỏi → mã phương án.")
    return value


SUBMISSION = {"answers": (_answers, True), "prediction": (integer(0, MAX_PREDICTION), True)}


def _same_submission(item: AttemptModel, answers: dict, prediction: int) -> bool:
    return item.answers == answers and int(item.prediction) == prediction


def _already(item: AttemptModel, answers: dict, prediction: int) -> dict:
    """A repeated identical submission gets the stored result; a different one is refused."""
    if _same_submission(item, answers, prediction):
        return {"result": result_view(item)}
    metrics_count("SubmissionsRefused", reason="already_submitted")
    raise errors.conflict("already_submitted", "Bài thi này đã được nộp.")


def _deadline_passed() -> errors.ApiError:
    metrics_count("SubmissionsRefused", reason="deadline_passed")
    return errors.conflict("deadline_passed", "Đã hết thời gian nộp bài.")


def submit(participant_id: str, attempt_id: str, body: dict) -> dict:
    now = runtime.now_ms()
    clean = validate(body, SUBMISSION)
    item = _owned(participant_id, attempt_id)
    drawn = [rules.DrawnQuestion(q.id, tuple(q.option_ids)) for q in item.questions]
    bad = rules.answer_errors(drawn, clean["answers"])
    if bad:
        metrics_count("SubmissionsRefused", reason="invalid")
        raise errors.invalid(bad)
    answers = {qid: oid for qid, oid in sorted(clean["answers"].items())}
    prediction = clean["prediction"]
    if item.status == "submitted":
        return _already(item, answers, prediction)
    round_ = round_or_404(item.round_id)
    if now > accepted_until(item, round_):
        raise _deadline_passed()
    key = {q.id: q.answer for q in round_store.load_bank(item.round_id, item.bank_version)}
    correct = rules.score(drawn, answers, key)
    if not store.submit(item, answers, correct, prediction, round_.duration_ms(int(item.started_at), now), now):
        latest = store.get(attempt_id)
        if latest is not None and latest.status == "submitted":
            return _already(latest, answers, prediction)
        raise _deadline_passed()
    metrics_count("SubmissionsAccepted")
    return {"result": result_view(item)}
