"""Registration and the participant's own view."""
from __future__ import annotations

import uuid
from functools import partial

from chalicelib import auth, errors, runtime
from chalicelib.contest.attempts import best_attempt
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import final_key, live_key
from chalicelib.fields import validate
from chalicelib.observability import metrics_count
from chalicelib.services import contest as contest_service
from chalicelib.services import sessions, verifications
from chalicelib.services.participant_fields import REGISTRATION
from chalicelib.services.retries import retried
from chalicelib.services.views import attempt_summary, participant_view, result_view
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import rounds as round_store


def register(body: dict) -> dict:
    """With the contest's `phone_verification: required`, the body carries a `register` code sent to the phone
    (without one: 400 `invalid` naming `code`; a wrong one: 400 `bad_code`). A code given when verification is
    off is checked all the same, and the participant is then `verified`."""
    clean = validate(body, REGISTRATION)
    if "code" not in clean and contest_service.settings().phone_verification == "required":
        raise errors.invalid({"code": "Vui lòng nhập mã xác minh đã gửi đến số điện thoại của bạn."})
    if "code" in clean:
        verifications.use("register", clean["phone"], clean["code"])
    now = runtime.now_ms()
    participant = Participant(
        uuid.uuid4().hex, full_name=clean["full_name"], phone=clean["phone"], unit_id=clean["unit_id"],
        category=clean["category"], birth_year=clean.get("birth_year"), id_number=clean.get("id_number"),
        email=clean.get("email"), password_hash=auth.hash_password(clean["password"]), registered_at=now,
        verified="code" in clean)
    try:
        retried(lambda: participant_store.register(participant), "register")
    except participant_store.AlreadyClaimed as claimed:
        if claimed.field == "phone":
            raise errors.conflict("phone_taken", "Số điện thoại này đã được đăng ký.") from None
        raise errors.conflict("id_number_taken", "Số CCCD này đã được đăng ký.") from None
    metrics_count("Registrations")
    return {"participant": participant_view(participant), "token": sessions.token_for(participant)}


def me(principal: auth.Principal) -> dict:
    """The participant, and per round the attempts used, the one in progress and the best; with a round's
    `score_visibility: after_publish`, no `correct` (and no best, which is chosen by it) before publication."""
    participant = sessions.current(principal)
    now = runtime.now_ms()
    mine = attempt_store.of_participant(participant.id)
    rounds = []
    for round_ in round_store.list_rounds():
        in_round = [a for a in mine if a.round_id == round_.id]
        in_progress = next((a.id for a in in_round if a.status_at(round_, now) == "in_progress"), None)
        key = live_key if round_.prediction_truth is None else partial(final_key, truth=round_.prediction_truth)
        best = best_attempt(in_round, key) if round_.scores_visible else None
        rounds.append({"round_id": round_.id, "attempts_used": len(in_round),
                       "attempt_in_progress": in_progress, "best": result_view(best, round_) if best else None,
                       "attempts": [attempt_summary(a, round_, now) for a in in_round]})
    return {"participant": participant_view(participant), "rounds": rounds}
