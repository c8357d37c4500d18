"""Lookups every use case needs, answered with the contract's 404 when the thing is not there."""
from __future__ import annotations

from chalicelib import errors
from chalicelib.contest.rounds import Round
from chalicelib.store import rounds as round_store


def round_or_404(round_id: str, fresh: bool = False) -> Round:
    round_ = round_store.get_round(round_id, fresh=fresh)
    if round_ is None:
        raise errors.not_found("round_not_found", "Không tìm thấy đợt thi.")
    return round_
