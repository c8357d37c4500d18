"""The app's event sources, read in one place: what `@app.on_dynamodb_record` and `@app.schedule` declare in
app.py, as plain values. The local stack (local/streams, local/scheduler) runs them and the template
(infra/template) wires them, both from this list.

A stream handler names its table through its stream ARN: app.py's placeholder carries the logical name
(`…:table/attempts/stream/…`), a real ARN the deployed name (`…:table/cuocthi-prod-attempts/stream/…`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from chalicelib.contest.records import Struct

_STREAM_ARN = re.compile(r"^arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:table/(?P<table>[^/]+)/stream/")


class StreamSource(Struct, frozen=True):
    """An `on_dynamodb_record` handler: the stream of which table it reads, and how."""
    name: str                   # the function's name in app.py
    stream_arn: str             # app.py's placeholder, or a real ARN
    batch_size: int             # records per invocation at most
    starting_position: str      # TRIM_HORIZON or LATEST
    kind: ClassVar[str] = "stream"

    def table(self, tables: Iterable[str]) -> str:
        """Which of the logical tables (infra/tables.json) this handler reads the stream of."""
        return stream_table(self.stream_arn, tables)


class ScheduleSource(Struct, frozen=True):
    """An `app.schedule` handler."""
    name: str
    expression: str             # e.g. "rate(1 minute)"
    kind: ClassVar[str] = "schedule"


EventSource = StreamSource | ScheduleSource


def stream_table(stream_arn: str, tables: Iterable[str]) -> str:
    """The logical table a stream ARN names: the table itself, or `<prefix>-<logical>` (a stack's or the local
    stack's table). Raises ValueError when it is no DynamoDB stream ARN or names none of `tables`."""
    tables = list(tables)
    match = _STREAM_ARN.match(stream_arn or "")
    if not match:
        raise ValueError(f"{stream_arn!r} is not a DynamoDB stream ARN")
    table = match.group("table")
    for logical in sorted(tables, key=len, reverse=True):     # the longest first: `org-units` before `units`
        if table == logical or table.endswith("-" + logical):
            return logical
    raise ValueError(f"the stream {stream_arn} names none of the tables {sorted(tables)}")


def event_sources(app) -> list[EventSource]:
    """The app's event sources, in the order app.py declares them."""
    from chalice.app import DynamoDBEventConfig, ScheduledEventConfig

    found: list[EventSource] = []
    for source in app.event_sources:
        if isinstance(source, DynamoDBEventConfig):
            found.append(StreamSource(source.name, source.stream_arn, int(source.batch_size),
                                      source.starting_position))
        elif isinstance(source, ScheduledEventConfig):
            expression = source.schedule_expression
            found.append(ScheduleSource(source.name, expression if isinstance(expression, str)
                                        else expression.to_string()))
        else:
            raise ValueError(f"{source.name}: {type(source).__name__} event sources are not supported "
                             "(neither by the local stack nor by the template)")
    return found
