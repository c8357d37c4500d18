"""Signals (dấu hiệu bất thường, RULES.md Fairness): shown to organizers and in the attempts file, never acted on
by themselves. `attempt_flags` is computed at submission and stored on the attempt; `uses_of` and `over_limit`
tell who shared a device or an address (the aggregator keeps each round's users of each, events/aggregator.py)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

TOO_FAST = "too_fast"
PROBE = "probe"
SHARED_DEVICE = "shared_device"
SIGNALS = (TOO_FAST, PROBE, SHARED_DEVICE)
MOST_ACCOUNTS_PER_DEVICE = 1000     # the largest max_accounts_per_device an organizer may set
USERS_KEPT = MOST_ACCOUNTS_PER_DEVICE + 1     # an address with this many users is over any limit: none kept beyond


def attempt_flags(questions: int, answered: int, duration_ms: int, min_seconds_per_question: int) -> list[str]:
    """`too_fast`: shorter than min_seconds_per_question × its questions; `probe`: fewer than half answered."""
    flags = []
    if duration_ms < min_seconds_per_question * questions * 1000:
        flags.append(TOO_FAST)
    if answered * 2 < questions:
        flags.append(PROBE)
    return flags


def uses_of(uses: Iterable[tuple[str, str | None, str | None]]) -> dict[tuple[str, str], set[str]]:
    """Who used each device and each client address: (kind, hash) → participant ids, from (participant id, device
    hash, address hash) per attempt; a missing hash (no device id sent, no address known) joins nobody."""
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    for participant_id, device, address in uses:
        for kind, value in (("device", device), ("address", address)):
            if value:
                users[(kind, value)].add(participant_id)
    return users


def over_limit(users: Iterable[set[str] | frozenset[str]], max_accounts: int) -> set[str]:
    """Everyone on a device or an address that more than `max_accounts` participants used (`shared_device`)."""
    flagged: set[str] = set()
    for participants in users:
        if len(participants) > max_accounts:
            flagged |= participants
    return flagged

