"""What every store module does the same way: read an item or None, tell a failed condition from a fault."""
from __future__ import annotations

from typing import Any, TypeVar

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, PynamoDBException
from pynamodb.expressions.condition import Condition
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


def delete_existing(item: Model, exists: Condition) -> bool:
    """Deletes the item if `exists` (its key attribute's exists()) holds; False when there was none."""
    try:
        item.delete(condition=exists)
    except DeleteError as error:
        if condition_failed(error):
            return False
        raise
    return True


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


# Codes of faults that clear by themselves: throttles, internal errors, a transaction that met another one.
TRANSIENT_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "TransactionConflictException", "LimitExceededException",
    "InternalError", "SlowDown", "RequestTimeout", "503",       # S3's names for the same
})
# Reasons a transaction's item may give when it was cancelled by a fault, not by its own condition.
TRANSIENT_REASONS = frozenset({None, "None", "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


def _transient_reasons(reasons: list) -> bool:
    return any(r not in (None, "None") for r in reasons) and all(r in TRANSIENT_REASONS for r in reasons)


def transient(error: BaseException) -> bool:
    """Whether a failed AWS call (as botocore, boto3 or PynamoDB raise it) may succeed if made again: a
    throttle, an internal error, a conflict with another transaction, a timeout or a dropped connection."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (BotoConnectionError, HTTPClientError)):
            return True
        if isinstance(seen, PynamoDBException) and isinstance(seen.cause, ClientError) and cancelled(seen):
            return _transient_reasons(reason_codes(seen))
        if isinstance(seen, ClientError):
            code = seen.response.get("Error", {}).get("Code")
            if code == TRANSACTION_CANCELLED:
                return _transient_reasons([r.get("Code") for r in seen.response.get("CancellationReasons", [])])
            return code in TRANSIENT_CODES
        seen = getattr(seen, "cause", None) or seen.__cause__ or seen.__context__
    return False
