"""The one package that owns DynamoDB: models, key strings, conditions and queries. Everything it hands out
is a domain object (chalicelib.contest) or plain data; nothing outside it imports pynamodb or the models."""
from __future__ import annotations

from pynamodb.connection import Connection

from chalicelib.config import Config
from chalicelib.store.cache import forget_all
from chalicelib.store.models import MODELS

_connection: Connection | None = None


def bind(config: Config) -> None:
    """Points every model at this configuration's tables, region and endpoint, with every cache emptied."""
    global _connection
    for logical, model in MODELS.items():
        model.Meta.table_name = config.table_name(logical)
        model.Meta.region = config.region
        model.Meta.host = config.dynamodb_endpoint
        model._connection = None
    _connection = Connection(region=config.region, host=config.dynamodb_endpoint)
    reset()


def reset() -> None:
    """Empties every cache the store and the read models keep (rounds, units, banks, clients, read models)."""
    forget_all()


def connection() -> Connection:
    """A plain connection for transactions."""
    if _connection is None:
        raise RuntimeError("store.bind() was not called")
    return _connection


def tables() -> dict[str, set[str]]:
    """Logical table name → the names of the indexes the code queries (for the infrastructure's checks)."""
    return {logical: set(model._indexes) for logical, model in MODELS.items()}
