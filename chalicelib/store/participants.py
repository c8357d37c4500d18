"""Participants, their unique phone and CCCD claims, and login-failure counters."""
from __future__ import annotations

import time
from datetime import datetime, timezone

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import connection
from chalicelib.store.models import GuardModel, ParticipantModel


class AlreadyClaimed(Exception):
    """A phone or CCCD already belongs to another participant; `field` names which."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _claim_key(field: str, value: str) -> str:
    return f"{field}#{value}"


def register(participant: ParticipantModel, tries: int = 4) -> None:
    """Stores the participant and claims its phone (and CCCD) in one transaction: no duplicate can slip in.
    A transaction cancelled only because another one touched the same claim at that moment is tried again,
    so the claim's condition, not the timing, decides."""
    claims = [("phone", participant.phone)]
    if participant.id_number:
        claims.append(("id_number", participant.id_number))
    for attempt in range(tries):
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.save(participant, condition=ParticipantModel.participant_id.does_not_exist())
                for field, value in claims:
                    guard = GuardModel(_claim_key(field, value), participant_id=participant.participant_id)
                    tx.save(guard, condition=GuardModel.key.does_not_exist())
            return
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            for (field, _), reason in zip(claims, reasons[1:]):
                if reason is not None and reason.code == "ConditionalCheckFailed":
                    raise AlreadyClaimed(field) from error
            conflicted = any(reason is not None and reason.code == "TransactionConflict" for reason in reasons)
            if not conflicted or attempt == tries - 1:
                raise
            time.sleep(0.02 * 2 ** attempt)


def get(participant_id: str) -> ParticipantModel | None:
    try:
        return ParticipantModel.get(participant_id)
    except DoesNotExist:
        return None


def find_by_phone(phone: str) -> ParticipantModel | None:
    try:
        guard = GuardModel.get(_claim_key("phone", phone), consistent_read=True)
    except DoesNotExist:
        return None
    return get(guard.participant_id)


def _login_key(phone: str) -> str:
    return f"login#{phone}"


def login_failures(phone: str, now_s: int) -> int:
    """Failed logins for this phone in the current window (0 once the window has passed)."""
    try:
        guard = GuardModel.get(_login_key(phone), consistent_read=True)
    except DoesNotExist:
        return 0
    if guard.expires_at is None or guard.expires_at.timestamp() <= now_s:
        return 0
    return int(guard.failures or 0)


def record_login_failure(phone: str, now_s: int, window_s: int) -> None:
    """Counts a failure atomically; a window that has passed starts again at one."""
    fresh = datetime.fromtimestamp(now_s + window_s, tz=timezone.utc)
    expired = datetime.fromtimestamp(now_s, tz=timezone.utc)
    guard = GuardModel(_login_key(phone))
    try:
        guard.update(
            actions=[GuardModel.failures.add(1)],
            condition=GuardModel.expires_at > expired,
        )
    except UpdateError:  # missing or expired: start a new window
        GuardModel(_login_key(phone), failures=1, expires_at=fresh).save()


def clear_login_failures(phone: str) -> None:
    GuardModel(_login_key(phone)).delete()
