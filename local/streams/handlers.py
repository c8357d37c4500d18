"""Finding the handlers: the app's DynamoDB stream handlers, each mapped to its local table."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.events.sources import StreamSource, event_sources


@dataclass(frozen=True)
class Mapping:
    """One event source mapping: which handler reads which table's stream, and how."""

    name: str
    handler: Callable[[dict, Any], Any]
    table: str
    batch_size: int
    starting_position: str


def discover(app, prefix: str, logical_tables: set[str] | None = None) -> list[Mapping]:
    """The app's DynamoDB stream handlers, each mapped to its local table (`prefix` + the logical name)."""
    if logical_tables is None:
        from local.schema import table_definitions

        logical_tables = set(table_definitions())
    return [Mapping(source.name, app.handler_map[source.name], prefix + source.table(logical_tables),
                    source.batch_size, source.starting_position)
            for source in event_sources(app) if isinstance(source, StreamSource)]
