"""A round's result files. `finalized` promises files that can be read: a finalized round whose files are not
all in the bucket goes back to `closed`, and the next finalize_rounds run writes them again."""
from __future__ import annotations

from chalicelib.observability import logger
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store


def readable(round_id: str) -> bool:
    """True when every result file of the (finalized) round is in the bucket; otherwise the round is moved
    back from `finalized` to `closed` (a conditional change: once, whoever asks first) and False."""
    absent = result_store.missing(round_id)
    if not absent:
        return True
    if round_store.set_status(round_id, "closed", ("finalized",)):
        logger.warning("result files missing: round back to closed, to be finalized again",
                       extra={"round_id": round_id, "missing": absent})
    return False
