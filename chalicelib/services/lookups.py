"""Lookups every use case needs, refused with the contract's 404 when the thing is not there."""
from __future__ import annotations

from chalicelib import errors
from chalicelib.contest.rounds import Round
from chalicelib.store import rounds as round_store


def round_not_found() -> errors.NotFound:
    return errors.not_found("round_not_found", "Không tìm thấy đợt thi.")


def round_or_404(round_id: str, fresh: bool = False) -> Round:
    round_ = round_store.get_round(round_id, fresh=fresh)
    if round_ is None:
        raise round_not_found()
    return round_
