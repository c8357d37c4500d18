"""Reviewing and publishing a round's results (RULES.md, "Publication, prizes and certificates").

With the contest's `publication: automatic` a finalized round is published at once (the finalize_rounds run that
finalizes it publishes it); with `review` it waits for an organizer, who may disqualify people and finalize it
again first. Until a round is published its leaderboard and unit table stay live and its prizes are not shown."""
from __future__ import annotations

from chalicelib import errors, runtime
from chalicelib.contest.rounds import Round
from chalicelib.observability import logger
from chalicelib.services import contest as contest_service
from chalicelib.services.lookups import round_or_404
from chalicelib.services.views import round_view
from chalicelib.store import rounds as round_store
from chalicelib.store import standings as standing_store


def _published() -> errors.Conflict:
    return errors.conflict("round_published", "Kết quả đợt thi đã công bố, không thể tổng hợp lại.")


def finalize_again(round_id: str) -> dict:
    """A closed or finalized, unpublished round goes back to `closed`: the next finalize_rounds run (within a
    minute) finalizes it again, with the disqualifications made since."""
    round_ = round_or_404(round_id, fresh=True)
    if round_.is_published:
        raise _published()
    if round_.status not in ("closed", "finalized"):
        raise errors.conflict("round_not_closed", "Đợt thi chưa đóng, chưa thể tổng hợp kết quả.")
    if not round_store.reopen(round_id):
        raise _published()  # published (or changed) in the meantime
    logger.info("round to be finalized again", extra={"round_id": round_id})
    return {"round": round_view(round_or_404(round_id, fresh=True), runtime.now_ms())}


def publish(round_id: str) -> dict:
    """Publishes a finalized round (again: the same answer, the first publication time kept)."""
    round_ = round_or_404(round_id, fresh=True)
    if not round_.is_published and not round_store.publish(round_id, runtime.now_ms()):
        round_ = round_or_404(round_id, fresh=True)
        if not round_.is_published:
            raise errors.conflict("round_not_finalized", "Đợt thi chưa được tổng hợp kết quả, chưa thể công bố.")
    return {"round": round_view(round_or_404(round_id, fresh=True), runtime.now_ms())}


def publish_due(rounds: list[Round]) -> list[str]:
    """With `publication: automatic`, publishes the finalized rounds not yet published; returns their ids."""
    waiting = [r for r in rounds if r.status == "finalized" and not r.is_published]
    if not waiting or contest_service.settings(fresh=True).publication != "automatic":
        return []
    now = runtime.now_ms()
    published = [r.id for r in waiting if round_store.publish(r.id, now)]
    if published:
        logger.info("rounds published", extra={"rounds": published})
    return published


def _stored_prizes(round_id: str) -> dict:
    rows = standing_store.load_final(round_id, "prizes") or []
    stored: dict = rows[0] if rows else {}
    return {"round_id": round_id, "individual": stored.get("individual", []), "units": stored.get("units", [])}


def prizes(round_id: str) -> dict:
    """The public prize list of a published round (stored when it was last finalized)."""
    if not round_or_404(round_id).is_published:
        raise errors.conflict("round_not_published", "Kết quả đợt thi chưa được công bố.")
    return _stored_prizes(round_id)


def prizes_for_review(round_id: str) -> dict:
    """The prize list organizers check before publishing: `ready` once the round is finalized (else the list
    is empty: a finalization is pending)."""
    round_ = round_or_404(round_id, fresh=True)
    if round_.status != "finalized":
        return {"round_id": round_id, "status": "pending", "individual": [], "units": []}
    return {**_stored_prizes(round_id), "status": "ready"}
