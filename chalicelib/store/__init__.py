"""The one module that owns DynamoDB: models, key strings, conditions and queries."""
from __future__ import annotations

from pynamodb.connection import Connection

from chalicelib.config import Config
from chalicelib.store.models import MODELS

_connection: Connection | None = None
_config: Config | None = None


def bind(config: Config) -> None:
    """Point every model at this configuration's tables, region and endpoint."""
    global _connection, _config
    for logical, model in MODELS.items():
        model.Meta.table_name = config.table_name(logical)
        model.Meta.region = config.region
        model.Meta.host = config.dynamodb_endpoint
        model._connection = None
    _connection = Connection(region=config.region, host=config.dynamodb_endpoint)
    _config = config


def connection() -> Connection:
    """A plain connection for transactions."""
    if _connection is None:
        raise RuntimeError("store.bind() was not called")
    return _connection
