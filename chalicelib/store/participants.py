"""Participants, their unique phone and CCCD claims, and login-failure counters."""
from __future__ import annotations

import time
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.contest.participants import Participant
from chalicelib.store import connection
from chalicelib.store.items import condition_failed, get_or_none, reason_codes
from chalicelib.store.models import GuardModel, ParticipantModel, StandingModel

# The disqualified participants, one marker item each under one key of the standings table: finalization reads
# them all with one Query, never a Scan of the participants. `set_status` keeps them in step with the participant.
_EXCLUDED = "excluded"


class AlreadyClaimed(Exception):
    """A phone or CCCD already belongs to another participant; `field` names which."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _claim_key(field: str, value: str) -> str:
    return f"{field}#{value}"


def _number(value) -> int | None:
    return None if value is None else int(value)


def _to_participant(item: ParticipantModel) -> Participant:
    return Participant(id=item.participant_id, full_name=item.full_name, phone=item.phone, unit_id=item.unit_id,
                       category=item.category, password_hash=item.password_hash,
                       registered_at=int(item.registered_at), birth_year=_number(item.birth_year),
                       id_number=item.id_number, email=item.email, token_version=int(item.token_version or 0),
                       verified=bool(item.verified), status=item.status or "active",
                       disqualified_reason=item.disqualified_reason)


def _to_item(participant: Participant) -> ParticipantModel:
    return ParticipantModel(
        participant.id, full_name=participant.full_name, phone=participant.phone, unit_id=participant.unit_id,
        category=participant.category, password_hash=participant.password_hash,
        registered_at=participant.registered_at, birth_year=participant.birth_year,
        id_number=participant.id_number, email=participant.email, token_version=participant.token_version,
        verified=participant.verified, status=participant.status,
        disqualified_reason=participant.disqualified_reason)


def from_image(image: dict) -> Participant:
    """The participant in a stream record's image (DynamoDB JSON); raises on a malformed one."""
    return _to_participant(ParticipantModel.from_raw_data(image))


def register(participant: Participant, tries: int = 4) -> None:
    """Stores the participant and claims its phone (and CCCD) in one transaction: no duplicate can slip in.
    A transaction cancelled only because another one touched the same claim at that moment is tried again,
    so the claim's condition, not the timing, decides."""
    claims = [("phone", participant.phone)]
    if participant.id_number:
        claims.append(("id_number", participant.id_number))
    for attempt in range(tries):
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.save(_to_item(participant), condition=ParticipantModel.participant_id.does_not_exist())
                for field, value in claims:
                    guard = GuardModel(_claim_key(field, value), participant_id=participant.id)
                    tx.save(guard, condition=GuardModel.key.does_not_exist())
            return
        except TransactWriteError as error:
            reasons = reason_codes(error)
            for (field, _), reason in zip(claims, reasons[1:], strict=False):
                if reason == "ConditionalCheckFailed":
                    raise AlreadyClaimed(field) from error
            conflicted = "TransactionConflict" in reasons
            if not conflicted or attempt == tries - 1:
                raise
            time.sleep(0.02 * 2 ** attempt)


def get(participant_id: str) -> Participant | None:
    item = get_or_none(ParticipantModel, participant_id, consistent=False)
    return None if item is None else _to_participant(item)


def get_many(participant_ids: list[str]) -> dict[str, Participant]:
    """The participants with these ids that exist, by id (batched reads)."""
    return {item.participant_id: _to_participant(item) for item in ParticipantModel.batch_get(participant_ids)}


def save_all(participants: list[Participant]) -> None:
    """Stores participants without their claims (seeding data in benchmarks and tests; never registration)."""
    with ParticipantModel.batch_write() as batch:
        for participant in participants:
            batch.save(_to_item(participant))


def count() -> int:
    """How many participants are stored (a Scan: for test recomputations and tools, never a request)."""
    return sum(1 for _ in ParticipantModel.scan(attributes_to_get=["participant_id"]))


def in_unit(unit_id: str) -> bool:
    """Whether any participant is registered under the unit (one keys-only index read, never a Scan)."""
    return any(True for _ in ParticipantModel.by_unit.query(unit_id, limit=1, page_size=1))


def set_status(participant_id: str, status: str, reason: str | None = None) -> bool:
    """Disqualifies (`disqualified`, with a reason) or reinstates (`active`) a participant, and adds or removes
    their marker in the same transaction; False when there is no such participant."""
    disqualified = status == "disqualified"
    marker = StandingModel(_EXCLUDED, participant_id, data={"reason": reason})
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(ParticipantModel(participant_id),
                      actions=[ParticipantModel.status.set(status),
                               ParticipantModel.disqualified_reason.set(reason or "") if disqualified
                               else ParticipantModel.disqualified_reason.remove()],
                      condition=ParticipantModel.participant_id.exists())
            if disqualified:
                tx.save(marker)
            else:
                tx.delete(marker)
    except TransactWriteError as error:
        if "ConditionalCheckFailed" in reason_codes(error):   # the participant's: the marker has no condition
            return False
        raise
    return True


def disqualified_ids() -> frozenset[str]:
    """The ids of every disqualified participant (a Query of their markers, page by page)."""
    return frozenset(item.sk for item in StandingModel.query(_EXCLUDED, consistent_read=True,
                                                             attributes_to_get=["pk", "sk"]))


def find_by_phone(phone: str) -> Participant | None:
    guard = get_or_none(GuardModel, _claim_key("phone", phone))
    return None if guard is None else get(guard.participant_id)


def _login_key(phone: str) -> str:
    return f"login#{phone}"


def login_failures(phone: str, now_s: int) -> int:
    """Failed logins for this phone in the current window (0 once the window has passed)."""
    guard = get_or_none(GuardModel, _login_key(phone))
    if guard is None:
        return 0
    if guard.expires_at is None or guard.expires_at.timestamp() <= now_s:
        return 0
    return int(guard.failures or 0)


def record_login_failure(phone: str, now_s: int, window_s: int) -> None:
    """Counts a failure atomically; a window that has passed starts again at one."""
    fresh = datetime.fromtimestamp(now_s + window_s, tz=UTC)
    expired = datetime.fromtimestamp(now_s, tz=UTC)
    guard = GuardModel(_login_key(phone))
    try:
        guard.update(
            actions=[GuardModel.failures.add(1)],
            condition=GuardModel.expires_at > expired,
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
        # missing or expired: start a new window
        GuardModel(_login_key(phone), failures=1, expires_at=fresh).save()


def clear_login_failures(phone: str) -> None:
    GuardModel(_login_key(phone)).delete()
