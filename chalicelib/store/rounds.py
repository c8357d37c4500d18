"""Rounds and their question banks. A bank is immutable per version; importing writes a new version and
flips the round to it with one conditional write, so a started round never sees its bank change."""
from __future__ import annotations

import uuid

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib import config
from chalicelib.contest.attempts import BankQuestion
from chalicelib.contest.ids import plausible
from chalicelib.contest.prizes import Prize, UnitPrize
from chalicelib.contest.records import asdict, field_names
from chalicelib.contest.rounds import PRIZE_FIELDS, Round
from chalicelib.store.cache import TimedCache, remembered
from chalicelib.store.items import condition_failed, get_or_none
from chalicelib.store.models import OptionMap, QuestionModel, RoundModel

_ROUND_FIELDS = field_names(Round)
_rounds_cache: TimedCache[list[Round]] = TimedCache(lambda: config.current().round_cache_seconds)


class RoundExists(Exception):
    pass


class RoundStarted(Exception):
    pass


class RoundClosed(Exception):
    pass


class RoundMissing(Exception):
    pass


class RoundPublished(Exception):
    pass


def _to_round(item: RoundModel) -> Round:
    values = {name: getattr(item, "round_id" if name == "id" else name) for name in _ROUND_FIELDS}
    for name in ("opens_at", "closes_at", "questions_per_attempt", "time_limit_seconds", "grace_seconds",
                 "question_count"):
        values[name] = int(values[name])
    for name in ("max_attempts", "prediction_truth", "published_at"):
        if values[name] is not None:
            values[name] = int(values[name])
    values["prizes"] = tuple(Prize(**p) for p in values["prizes"] or ())
    values["unit_prizes"] = tuple(UnitPrize(**p) for p in values["unit_prizes"] or ())
    for name in ("finalize_failures", "finalize_restarts"):
        values[name] = int(values[name] or 0)
    return Round(**values)


def _stored(name: str, value):
    """A round field as the item holds it (prize lines as plain JSON)."""
    return [asdict(prize) for prize in value] if name in PRIZE_FIELDS else value


def _to_item(round_: Round) -> RoundModel:
    values = asdict(round_)
    values.update({name: _stored(name, getattr(round_, name)) for name in PRIZE_FIELDS})
    return RoundModel(values.pop("id"), **values)


def list_rounds(fresh: bool = False) -> list[Round]:
    """Every round, by opening time; cached for a few seconds because every request reads them."""
    if fresh:
        _rounds_cache.clear()
    return _rounds_cache.get("all", lambda: sorted(
        (_to_round(item) for item in RoundModel.scan()), key=lambda r: (r.opens_at, r.id)))


def get_round(round_id: str, fresh: bool = False) -> Round | None:
    """The round, or None; an id no round can have never reaches DynamoDB."""
    if not plausible(round_id):
        return None
    if not fresh:
        cached = next((r for r in list_rounds() if r.id == round_id), None)
        if cached is not None:
            return cached
    item = get_or_none(RoundModel, round_id)
    return None if item is None else _to_round(item)


def create_round(round_: Round) -> Round:
    try:
        _to_item(round_).save(condition=RoundModel.round_id.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            raise RoundExists(round_.id) from error
        raise
    _rounds_cache.clear()
    return round_


def update_round(round_id: str, changes: dict, now: int, touches_rules: bool) -> Round:
    """Applies `changes`. Rules change only before opening; name and closes_at until the round closes; prizes
    until it is published."""
    item = RoundModel(round_id)
    actions = [getattr(RoundModel, name).set(_stored(name, value)) for name, value in changes.items()]
    still_open = RoundModel.status.is_in("scheduled", "open") & (RoundModel.closes_at > now)
    condition = RoundModel.round_id.exists() & RoundModel.published_at.does_not_exist()
    if any(name not in PRIZE_FIELDS for name in changes):
        condition &= still_open
    if touches_rules:
        condition &= (RoundModel.status == "scheduled") & (RoundModel.opens_at > now)
    try:
        if actions:
            item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if not condition_failed(error):
            raise
        current = get_round(round_id, fresh=True)
        if current is None:
            raise RoundMissing(round_id) from error
        if current.is_published:
            raise RoundPublished(round_id) from error
        if current.effective_status(now) in ("closed", "finalized"):
            raise RoundClosed(round_id) from error
        raise RoundStarted(round_id) from error
    _rounds_cache.clear()
    updated = get_round(round_id, fresh=True)
    if updated is None:
        raise RoundMissing(round_id)
    return updated


def _update_if(round_id: str, actions: list[Action], condition: Condition) -> bool:
    """Applies `actions` if `condition` holds; False otherwise (another run got there first)."""
    try:
        RoundModel(round_id).update(actions=actions, condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    finally:
        _rounds_cache.clear()
    return True


def set_status(round_id: str, status: str, allowed_from: tuple[str, ...], extra: dict | None = None) -> bool:
    """Moves a round to `status` if it is in one of `allowed_from`; False if another run got there first."""
    actions: list[Action] = [RoundModel.status.set(status)]
    actions += [getattr(RoundModel, name).set(value) for name, value in (extra or {}).items()]
    return _update_if(round_id, actions, RoundModel.round_id.exists() & RoundModel.status.is_in(*allowed_from))


def reopen(round_id: str) -> bool:
    """A closed or finalized round that is not published goes (back) to `closed`, for the next finalize_rounds
    run to finalize it again; False when it is published, or neither closed nor finalized."""
    return _update_if(round_id, [RoundModel.status.set("closed")],
                      RoundModel.status.is_in("closed", "finalized") & RoundModel.published_at.does_not_exist())


def publish(round_id: str, now: int) -> bool:
    """Publishes a finalized round now; False when it is not finalized or was published before."""
    return _update_if(round_id, [RoundModel.published_at.set(now)],
                      (RoundModel.status == "finalized") & RoundModel.published_at.does_not_exist())


def record_finalize_failure(round_id: str) -> int:
    """Counts a failed finalization of a closed round; returns how many failed in a row."""
    item = RoundModel(round_id)
    try:
        item.update(actions=[RoundModel.finalize_failures.add(1)],
                    condition=RoundModel.round_id.exists() & (RoundModel.status == "closed"))
    except UpdateError as error:
        if condition_failed(error):
            return 0
        raise
    finally:
        _rounds_cache.clear()
    return int(item.finalize_failures or 0)


def clear_finalize_failures(round_id: str) -> None:
    """Lets the schedule try a round's finalization again (after the cause of its failures is fixed)."""
    RoundModel(round_id).update(actions=[RoundModel.finalize_failures.remove(),
                                         RoundModel.finalize_restarts.add(1)],
                                condition=RoundModel.round_id.exists())
    _rounds_cache.clear()


def close_round(round_id: str, now: int) -> Round:
    """Closes now (idempotent): status `closed`, and the window ends no later than now."""
    current = get_round(round_id, fresh=True)
    if current is None:
        raise RoundMissing(round_id)
    if current.status in ("scheduled", "open"):
        set_status(round_id, "closed", ("scheduled", "open"), {"closes_at": min(current.closes_at, now)})
    closed = get_round(round_id, fresh=True)
    if closed is None:
        raise RoundMissing(round_id)
    return closed


def replace_bank(round_id: str, questions: list[BankQuestion], now: int) -> int:
    """Writes a new bank version, then points the round at it if the round has not started."""
    version = uuid.uuid4().hex[:12]
    bank = f"{round_id}#{version}"
    with QuestionModel.batch_write() as batch:
        for q in questions:
            batch.save(QuestionModel(bank, q.id, text=q.text, answer=q.answer,
                                     options=[OptionMap(id=oid, text=text) for oid, text in q.options]))
    old_version = RoundModel.get(round_id, consistent_read=True).bank_version
    try:
        RoundModel(round_id).update(
            actions=[RoundModel.bank_version.set(version), RoundModel.question_count.set(len(questions))],
            condition=(RoundModel.status == "scheduled") & (RoundModel.opens_at > now))
    except UpdateError as error:
        _delete_bank(bank)
        if condition_failed(error):
            raise RoundStarted(round_id) from error
        raise
    if old_version:
        _delete_bank(f"{round_id}#{old_version}")
    _rounds_cache.clear()
    return len(questions)


def _delete_bank(bank: str) -> None:
    with QuestionModel.batch_write() as batch:
        for item in QuestionModel.query(bank):
            batch.delete(item)


@remembered(maxsize=32)
def load_bank(round_id: str, version: str) -> tuple[BankQuestion, ...]:
    """A bank version never changes, so it is read once per function instance."""
    return tuple(
        BankQuestion(item.question_id, item.text, tuple((o.id, o.text) for o in item.options), item.answer)
        for item in QuestionModel.query(f"{round_id}#{version}", consistent_read=True)
    )

