"""Records: the platform's values, as msgspec Structs rather than dataclasses.

A Struct behaves as a dataclass does (fields in order, defaults, keyword or positional construction, equality,
a hash when frozen, a readable repr) but its class is built in C. Creating the app's ~60 record classes takes
about 1 ms, where dataclasses spent ~65 ms compiling their generated methods: half of what `import app` added
to `import boto3` at a cold start (bench/cold_start.py). Its instances are also made faster, which the
finalization of millions of attempts feels.

A value is `class Name(Struct, frozen=True)` (immutable and hashable; assigning a field raises AttributeError),
an accumulator built up in place a plain `Struct`. `replace`, `astuple` and `field` are msgspec's; `asdict` is
recursive as dataclasses' is (a record inside a record, or in a list, tuple or dict, becomes a plain dict),
because what it returns is stored and sent as JSON. Unlike a dataclass, a Struct's class does not hold its
fields' defaults as attributes (`Class.field` is a descriptor): name a default as a constant to share it.
Every module takes these from here, so the choice is made in one place."""
from __future__ import annotations

from typing import Any

from msgspec import Struct, field
from msgspec.structs import astuple, replace

__all__ = ["Struct", "asdict", "astuple", "field", "field_names", "replace"]


def field_names(kind: type[Struct]) -> tuple[str, ...]:
    return kind.__struct_fields__


def asdict(record: Struct) -> dict[str, Any]:
    return {name: _plain(getattr(record, name)) for name in record.__struct_fields__}


def _plain(value: Any) -> Any:
    if isinstance(value, Struct):
        return asdict(value)
    kind = type(value)
    if kind is list or kind is tuple:
        return kind(_plain(item) for item in value)
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    return value
