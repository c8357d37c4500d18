"""Participants and their unique phone and CCCD claims; a participant's token version moved on, atomically."""
from __future__ import annotations

from collections.abc import Iterable

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib import config
from chalicelib.contest.participants import Participant
from chalicelib.contest.search import name_key, name_shard
from chalicelib.store import connection
from chalicelib.store.cache import TimedCache
from chalicelib.store.items import condition_failed, get_or_none, reason_codes
from chalicelib.store.models import GuardModel, ParticipantModel


class AlreadyClaimed(Exception):
    """A phone or CCCD already belongs to another participant; `field` names which."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


_SIGNALS = "signals#"


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
                       disqualified_reason=item.disqualified_reason, signals=tuple(sorted(item.signals or ())))


def _to_item(participant: Participant) -> ParticipantModel:
    return ParticipantModel(
        participant.id, full_name=participant.full_name, phone=participant.phone, unit_id=participant.unit_id,
        category=participant.category, password_hash=participant.password_hash,
        registered_at=participant.registered_at, birth_year=participant.birth_year,
        id_number=participant.id_number, email=participant.email, token_version=participant.token_version,
        verified=participant.verified, status=participant.status,
        disqualified_reason=participant.disqualified_reason, signals=set(participant.signals) or None,
        **index_keys(participant))


DISQUALIFIED = "disqualified"


def index_keys(participant: Participant) -> dict:
    """The attributes the participants' indexes are keyed by (by unit and by name, disqualified ones apart)."""
    return {"name_key": name_key(participant.full_name, participant.id),
            "name_shard": name_shard(participant.full_name),
            "status_flag": DISQUALIFIED if participant.is_disqualified else None}


def from_image(image: dict) -> Participant:
    """The participant in a stream record's image (DynamoDB JSON); raises on a malformed one."""
    return _to_participant(ParticipantModel.from_raw_data(image))


def register(participant: Participant) -> None:
    """Stores the participant and claims its phone (and CCCD) in one transaction: no duplicate can slip in.
    A claim already taken raises AlreadyClaimed; a transaction cancelled by another one touching the same claim
    at that moment is a transient fault for the caller to try again (services/retries.py), so the claim's
    condition, not the timing, decides. Trying again is safe: the participant's new id tells its own earlier
    write (whose answer was lost) from another registration."""
    claims = [("phone", participant.phone)]
    if participant.id_number:
        claims.append(("id_number", participant.id_number))
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(_to_item(participant), condition=ParticipantModel.participant_id.does_not_exist())
            for field, value in claims:
                guard = GuardModel(_claim_key(field, value), participant_id=participant.id)
                tx.save(guard, condition=GuardModel.key.does_not_exist())
    except TransactWriteError as error:
        reasons = reason_codes(error)
        if reasons[:1] == ["ConditionalCheckFailed"]:
            return      # this new id is stored already: an earlier try did it all, atomically
        for (field, _), reason in zip(claims, reasons[1:], strict=False):
            if reason == "ConditionalCheckFailed":
                raise AlreadyClaimed(field) from error
        raise


def get(participant_id: str, consistent: bool = False) -> Participant | None:
    item = get_or_none(ParticipantModel, participant_id, consistent=consistent)
    return None if item is None else _to_participant(item)


def get_many(participant_ids: list[str]) -> dict[str, Participant]:
    """The participants with these ids that exist, by id (batched reads)."""
    return {item.participant_id: _to_participant(item) for item in ParticipantModel.batch_get(participant_ids)}


def save_all(participants: list[Participant]) -> None:
    """Stores participants without their claims (seeding data in benchmarks and tests; never registration)."""
    with ParticipantModel.batch_write() as batch:
        for participant in participants:
            batch.save(_to_item(participant))


def backfill_index_keys() -> int:
    """Sets the index keys of participants stored before the indexes existed; returns how many (a Scan: a
    one-off tool after an upgrade, never a request)."""
    count = 0
    for item in ParticipantModel.scan(filter_condition=ParticipantModel.name_key.does_not_exist()):
        keys = {name: value for name, value in index_keys(_to_participant(item)).items() if value is not None}
        item.update(actions=[getattr(ParticipantModel, name).set(value) for name, value in keys.items()])
        count += 1
    return count


def count() -> int:
    """How many participants are stored (a Scan: for test recomputations and tools, never a request)."""
    return sum(1 for _ in ParticipantModel.scan(attributes_to_get=["participant_id"]))


def in_unit(unit_id: str) -> bool:
    """Whether any participant is registered under the unit (one index read of one item, never a Scan)."""
    return any(True for _ in ParticipantModel.by_unit.query(unit_id, limit=1, page_size=1))


def find_by_claim(field: str, value: str) -> Participant | None:
    """The participant holding this phone (`phone`) or CCCD (`id_number`): two reads, no index."""
    guard = get_or_none(GuardModel, _claim_key(field, value))
    return None if guard is None else get(guard.participant_id)


def find_by_phone(phone: str) -> Participant | None:
    return find_by_claim("phone", phone)


# --- organizer changes: each one conditional update of the fields it changes (the index keys with them)


class ParticipantMissing(Exception):
    pass


def _updated(participant_id: str, actions: list) -> Participant:
    try:
        item = ParticipantModel(participant_id)
        item.update(actions=actions, condition=ParticipantModel.participant_id.exists())
    except UpdateError as error:
        if condition_failed(error):
            raise ParticipantMissing() from error
        raise
    return _to_participant(item)


def disqualify(participant_id: str, reason: str) -> Participant:
    """Marks the participant disqualified with the reason; the disqualified are indexed apart."""
    _disqualified_cache.clear()
    return _updated(participant_id, [
        ParticipantModel.status.set(DISQUALIFIED), ParticipantModel.disqualified_reason.set(reason),
        ParticipantModel.status_flag.set(DISQUALIFIED)])


def reinstate(participant_id: str) -> Participant:
    _disqualified_cache.clear()
    return _updated(participant_id, [
        ParticipantModel.status.set("active"), ParticipantModel.disqualified_reason.remove(),
        ParticipantModel.status_flag.remove()])


def add_signals(participant_id: str, signals: Iterable[str]) -> None:
    """Adds signal names to the participant's signals (the lists show them; the attempts carry their own `flags`),
    kept in an item of their own (`signals#<participant>` in the guards table), so that marking a participant
    rewrites neither the participant nor its search indexes."""
    names = set(signals)
    if names:
        GuardModel(f"{_SIGNALS}{participant_id}").update(actions=[GuardModel.signals.add(names)])


def signals_of(participant_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """The signals of these participants (those with none are left out), batched reads."""
    keys = [f"{_SIGNALS}{pid}" for pid in dict.fromkeys(participant_ids)]
    return {item.key[len(_SIGNALS):]: frozenset(item.signals or ()) for item in GuardModel.batch_get(keys)
            if item.signals}


_disqualified_cache: TimedCache[frozenset[str]] = TimedCache(lambda: config.current().standings_cache_seconds)


def disqualified_ids() -> frozenset[str]:
    """Every disqualified participant (a sparse index: few items), cached as briefly as the read models."""
    return _disqualified_cache.get("all", lambda: frozenset(
        item.participant_id for item in ParticipantModel.disqualified.query(
            DISQUALIFIED, attributes_to_get=["participant_id"])))



def version_is(version: int):
    """The condition that a participant's token version is `version` (items from before versions have none: 0)."""
    same = ParticipantModel.token_version == version
    return (same | ParticipantModel.token_version.does_not_exist()) if version == 0 else same


def next_version(participant: Participant, password_hash: str | None = None,
                 verified: bool = False) -> Participant | None:
    """The participant with its token version one further (every token of an earlier version stops working),
    and the new password hash and `verified` when given; None (nothing written) when the version was not the
    one read: someone moved it in between."""
    actions: list = [ParticipantModel.token_version.set(participant.token_version + 1)]
    if password_hash is not None:
        actions.append(ParticipantModel.password_hash.set(password_hash))
    if verified:
        actions.append(ParticipantModel.verified.set(True))
    item = ParticipantModel(participant.id)
    try:
        item.update(actions=actions, condition=ParticipantModel.participant_id.exists()
                    & version_is(participant.token_version))
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return _to_participant(item)


def mark_verified(participant_id: str) -> None:
    ParticipantModel(participant_id).update(actions=[ParticipantModel.verified.set(True)],
                                            condition=ParticipantModel.participant_id.exists())


PROFILE_FIELDS = ("full_name", "email", "birth_year", "unit_id", "category")


def update_profile(participant_id: str, changes: dict) -> Participant | None:
    """Sets the given profile fields (PROFILE_FIELDS; None removes an optional one); None if there is no such
    participant."""
    actions: list = []
    for name, value in changes.items():
        attribute = getattr(ParticipantModel, PROFILE_FIELDS[PROFILE_FIELDS.index(name)])
        actions.append(attribute.remove() if value is None else attribute.set(value))
    if changes.get("full_name"):        # the name search and the unit lists are keyed by the name
        actions += [ParticipantModel.name_key.set(name_key(changes["full_name"], participant_id)),
                    ParticipantModel.name_shard.set(name_shard(changes["full_name"]))]
    item = ParticipantModel(participant_id)
    try:
        item.update(actions=actions, condition=ParticipantModel.participant_id.exists())
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return _to_participant(item)
