"""What every store module does the same way: read an item or None, tell a failed condition from a fault."""
from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist, PutError, PynamoDBException
from pynamodb.models import Model

M = TypeVar("M", bound=Model)

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"


def get_or_none(model: type[M], hash_key: str, range_key: str | int | None = None,
                consistent: bool = True) -> M | None:
    try:
        return model.get(hash_key, range_key, consistent_read=consistent)
    except DoesNotExist:
        return None


def condition_failed(error: PynamoDBException) -> bool:
    """A conditional write refused because its condition did not hold (not a fault)."""
    return error.cause_response_code == CONDITION_FAILED


def cancelled(error: PynamoDBException) -> bool:
    """A transaction cancelled (a condition of one of its items failed, or another one conflicted)."""
    return error.cause_response_code == TRANSACTION_CANCELLED


def reason_codes(error: PynamoDBException) -> list[str | None]:
    """Per item of a cancelled transaction: why it failed (ConditionalCheckFailed, TransactionConflict…) or None."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return [None if reason is None else reason.code for reason in reasons]


def save_versioned(item: Any, read_version: int | None) -> bool:
    """Saves `item` (a model with a numeric `version`) as the next version of what was read (`read_version`, None
    when there was none); False when another writer changed it first."""
    model = type(item)
    item.version = (read_version or 0) + 1
    condition = model.version.does_not_exist() if read_version is None else model.version == read_version
    try:
        item.save(condition=condition)
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True
