"""Participants for organizers and coordinators (RULES.md, Organizer roles): the search (a unit and its
descendants, a phone, a CCCD or the start of a name), a participant's card with their attempts and signals,
and the organizers' changes: profile, disqualification, temporary password. A coordinator sees only their
unit's subtree and changes nothing."""
from __future__ import annotations

import secrets
from collections.abc import Mapping

from chalicelib import auth, errors, runtime
from chalicelib.contest.ids import plausible
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import CATEGORIES
from chalicelib.contest.roles import SCOPED
from chalicelib.contest.search import Search, parse_search
from chalicelib.contest.units import UnitTree
from chalicelib.fields import query_choice, text, validate
from chalicelib.services import access, paging, sessions, throttle
from chalicelib.services.admin_views import admin_attempt_view, admin_participant_view
from chalicelib.services.participants import REGISTRATION
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import roster
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store

STATUSES = ("active", "disqualified")
QUERIES_PER_PAGE = 25       # a page walking many small units stops here and says where to go on
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"      # no 0/o, 1/l/i: read out over the phone
PROFILE = {name: (REGISTRATION[name][0], False) for name in ("full_name", "unit_id", "category")}


def _not_found() -> errors.NotFound:
    return errors.not_found("participant_not_found", "Không tìm thấy thí sinh.")


def _scope(principal: auth.Principal, query: Mapping[str, str], tree: UnitTree) -> str | None:
    """The unit asked about (None: the whole contest); a coordinator's own unit when they name none."""
    unit_id = query.get("unit_id") or None
    if principal.role in SCOPED:
        unit_id = unit_id or principal.unit_id
        access.check_unit(principal, unit_id or "")
    elif unit_id is not None and (not plausible(unit_id) or unit_id not in tree):
        raise errors.invalid({"unit_id": "Đơn vị không tồn tại."})
    return unit_id


def _search_text(query: Mapping[str, str]) -> Search | None:
    q = (query.get("q") or "").strip()
    if not q:
        return None
    try:
        return parse_search(q[:200])
    except ValueError as error:
        raise errors.invalid({"q": str(error)}) from None


def _position(position: dict | None, filters: roster.Filters) -> roster.Position | None:
    """Where a page ended; a position outside the names asked for is no cursor of this search (DynamoDB would
    refuse to start a prefix query there)."""
    if position is None or "k" not in position:
        return None
    key = paging.text_at(position, "k")
    if filters.prefix and not key.startswith(filters.prefix):
        raise paging.bad_cursor()
    return key, paging.text_at(position, "p", 64)


def _lookup(found: Participant | None, units: set[str] | None, filters: roster.Filters,
            status: str | None) -> list[Participant]:
    if found is None or (units is not None and found.unit_id not in units):
        return []
    if (filters.category not in (None, found.category)) or (status not in (None, found.status)):
        return []
    return [found]


Page = tuple[list[Participant], dict | None]      # the participants and where the next page starts


def _walk(units: list[str], filters: roster.Filters, position: dict | None, limit: int) -> Page:
    """A page over the units' own lists in turn; the cursor names the unit and the place in it."""
    start = units[0] if position is None else paging.text_at(position, "u", 64)
    if start not in units:
        raise paging.bad_cursor()
    index, after = units.index(start), _position(position, filters)
    found: list[Participant] = []
    for _ in range(QUERIES_PER_PAGE):
        if index == len(units) or len(found) == limit:
            break
        page, last = roster.in_unit(units[index], filters, after, limit - len(found))
        found += page
        if last is not None:
            return found, {"u": units[index], "k": last[0], "p": last[1]}
        index, after = index + 1, None
    return found, {"u": units[index]} if index < len(units) else None


def _disqualified(units: set[str] | None, filters: roster.Filters, position: dict | None, limit: int) -> Page:
    after = _position(position, filters)
    found: list[Participant] = []
    for _ in range(QUERIES_PER_PAGE):
        page, after = roster.disqualified(filters, after, limit - len(found))
        found += [p for p in page if units is None or p.unit_id in units]
        if after is None or len(found) == limit:
            break
    return found, None if after is None else {"k": after[0], "p": after[1]}


def search(principal: auth.Principal, query: Mapping[str, str]) -> dict:
    tree = UnitTree(unit_store.list_units())
    unit_id = _scope(principal, query, tree)
    category = query_choice(query, "category", CATEGORIES)
    status = query_choice(query, "status", STATUSES)
    limit, position, wanted = paging.limit(query), paging.decode(query), _search_text(query)
    units = None if unit_id is None else set(tree.subtree(unit_id))
    filters = roster.Filters(prefix=wanted.value if wanted and wanted.kind == "name" else None,
                             category=category, active_only=status == "active")
    found: list[Participant]
    if wanted is not None and wanted.kind != "name":
        found, following = _lookup(participant_store.find_by_claim(wanted.kind, wanted.value), units, filters,
                                   status), None
    elif status == "disqualified":
        found, following = _disqualified(units, filters, position, limit)
    elif unit_id is None and filters.prefix:
        found, last = roster.by_name(filters, _position(position, filters), limit)
        following = None if last is None else {"k": last[0], "p": last[1]}
    else:
        found, following = _walk(tree.subtree(unit_id), filters, position, limit)
    return {"participants": [admin_participant_view(p, signals) for p, signals in zip(found, _signals(found),
                                                                                        strict=True)],
            "next": paging.encode(following)}


def _signals(found: list[Participant]) -> list[set[str]]:
    """Each participant's signals: their attempts' own (too_fast, probe) and those marked on them (shared_device)."""
    flags = attempt_store.flags_of(p.id for p in found)
    marked = participant_store.signals_of(p.id for p in found)
    return [set(p.signals) | flags.get(p.id, frozenset()) | marked.get(p.id, frozenset()) for p in found]


def _participant(principal: auth.Principal, participant_id: str) -> Participant:
    found = participant_store.get(participant_id, consistent=True) if plausible(participant_id) else None
    if found is None:
        raise _not_found()
    access.check_unit(principal, found.unit_id)
    return found


def card(principal: auth.Principal, participant_id: str) -> dict:
    """The participant with every attempt per round (figures, status, signals)."""
    participant = _participant(principal, participant_id)
    attempts = attempt_store.of_participant(participant.id)
    now = runtime.now_ms()
    rounds = []
    for round_ in round_store.list_rounds():
        mine = [a for a in attempts if a.round_id == round_.id]
        if mine:
            rounds.append({"round_id": round_.id, "attempts": [admin_attempt_view(a, round_, now) for a in mine]})
    signals = (set(participant.signals) | {flag for a in attempts for flag in a.flags}
               | participant_store.signals_of([participant.id]).get(participant.id, frozenset()))
    return {"participant": admin_participant_view(participant, signals), "rounds": rounds}


def _stored(change) -> Participant:
    try:
        return change()
    except participant_store.ParticipantMissing:
        raise _not_found() from None


def update(principal: auth.Principal, participant_id: str, body: dict) -> dict:
    changes = validate(body, PROFILE, partial=True)
    participant = _participant(principal, participant_id)
    moves = any(changes.get(name, getattr(participant, name)) != getattr(participant, name)
                for name in ("unit_id", "category"))
    if moves and any(a.is_submitted for a in attempt_store.of_participant(participant.id)):
        raise errors.conflict("participant_has_attempts",
                              "Thí sinh đã có bài thi được ghi nhận: không thể đổi đơn vị hoặc đối tượng dự thi.")
    updated = participant_store.update_profile(participant.id, changes) if changes else participant
    if updated is None:
        raise _not_found()
    return {"participant": admin_participant_view(updated)}


def disqualify(principal: auth.Principal, participant_id: str, body: dict) -> dict:
    reason = validate(body, {"reason": (text(3, 500), True)})["reason"]
    participant = _participant(principal, participant_id)
    stored = _stored(lambda: participant_store.disqualify(participant.id, reason))
    return {"participant": admin_participant_view(stored)}


def reinstate(principal: auth.Principal, participant_id: str) -> dict:
    participant = _participant(principal, participant_id)
    return {"participant": admin_participant_view(_stored(lambda: participant_store.reinstate(participant.id)))}


def temporary_password(principal: auth.Principal, participant_id: str) -> dict:
    """A new password to read out to the participant; every earlier token of theirs stops working."""
    participant = _participant(principal, participant_id)
    password = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(10))
    _stored(lambda: sessions.end_sessions(participant.id, password_hash=auth.hash_password(password)))
    throttle.forgive(participant.phone)
    return {"temporary_password": password}
