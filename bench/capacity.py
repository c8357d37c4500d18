"""DynamoDB's capacity rules (item sizes, write and read units) and a meter that adds up what every DynamoDB call
of the process consumed, through the botocore-level observer of tests/faults.py.

The meter asks every call for `ReturnConsumedCapacity: INDEXES` and takes DynamoDB Local's figures, tables and
indexes apart, where they are right: single-item writes and reads. Where DynamoDB Local reports nothing or too
little, the units come from DynamoDB's published rules, applied to the items as they were before and after the
call (read back from the table): a successful transaction (DynamoDB Local reports 2 units a table however many
items it writes) costs 2 units per KB of each item, the larger of before and after, and each index entry it
puts or deletes counts 2 units per KB too (as DynamoDB Local counts index writes in a transaction); a key a
BatchGetItem does not find and a Query that finds nothing cost the minimum read (DynamoDB Local: 0); a failed
conditional write costs the larger of the item sent and the item stored, in KB, at least 1; a cancelled
transaction 2 units per KB of every item it names. Each write is also counted against the partition key it
lands on, in its table and in every index whose entry it changes, for the busiest key's share."""
from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from tests.faults import observed_calls

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
READS = ("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems")


def value_size(value: dict) -> int:
    """Bytes of one attribute value in DynamoDB JSON, by the published sizing rules."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = Decimal(inner).normalize().as_tuple().digits
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(inner) if isinstance(inner, (bytes, bytearray)) else math.ceil(len(inner) * 3 / 4)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: element}) for element in inner)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in inner)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + value_size(element) for name, element in inner.items())
    raise ValueError(kind)


def item_size(item: dict | None) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in (item or {}).items())


def write_units(size: int) -> int:
    """Standard write units of an item of `size` bytes (transactions pay twice this)."""
    return max(1, math.ceil(size / 1024))


@dataclass(frozen=True)
class Table:
    name: str
    keys: tuple[str, ...]                       # hash key, and range key if any
    indexes: dict[str, tuple[str, tuple[str, ...] | None]]   # index → (its hash key, projected or None: all)


def schema(client, name: str) -> Table:
    described = client.describe_table(TableName=name)["Table"]
    keys = tuple(k["AttributeName"] for k in sorted(described["KeySchema"], key=lambda k: k["KeyType"]))
    indexes = {}
    for index in described.get("GlobalSecondaryIndexes", []):
        hash_key = next(k["AttributeName"] for k in index["KeySchema"] if k["KeyType"] == "HASH")
        projection = index["Projection"]
        projected = None if projection["ProjectionType"] == "ALL" else tuple(
            [k["AttributeName"] for k in index["KeySchema"]] + list(keys) + projection.get("NonKeyAttributes", []))
        indexes[index["IndexName"]] = (hash_key, projected)
    return Table(name, keys, indexes)


@dataclass
class Usage:
    """What one phase of the benchmark consumed."""

    write: Counter = field(default_factory=Counter)     # "table" or "table/index" → write units
    read: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)   # "conditional write" / "cancelled transaction" → count
    calls: Counter = field(default_factory=Counter)     # operation → count

    def writes(self) -> float:
        return sum(self.write.values())

    def reads(self) -> float:
        return sum(self.read.values())


class Meter:
    """Adds the capacity of every DynamoDB call to the current phase, and counts writes per partition key."""

    def __init__(self, client, table_prefix: str) -> None:
        self.client = client                            # an unmetered client for schemas and read-backs
        self.prefix = table_prefix
        self.phase = "setup"
        self.usage: dict[str, Usage] = defaultdict(Usage)
        self.keys: dict[str, Counter] = defaultdict(Counter)   # "table" or "table/index" → key → writes
        self.counting_keys = False
        self._schemas: dict[str, Table] = {}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._before_items: dict[int, list] = {}

    # --- the observer's hooks

    def before(self, service: str, operation: str, params: dict) -> None:
        if service != "dynamodb" or self._inside() or operation not in WRITES + READS:
            return
        params["ReturnConsumedCapacity"] = "INDEXES"
        if operation in WRITES:
            self._before_items[id(params)] = [(table, key, self._read(table, key))
                                              for table, key, _ in self._targets(operation, params)]

    def after(self, service: str, operation: str, params: dict, answer: dict | None, error) -> None:
        if service != "dynamodb" or self._inside() or operation not in WRITES + READS:
            return
        changes = []
        if answer is not None and operation in WRITES:        # read back outside the lock: calls run in threads
            changes = [(table, key, old, self._read(table, key))
                       for table, key, old in self._before_items.get(id(params), [])]
        with self._lock:
            self._account(operation, params, answer, error, changes)

    def _account(self, operation: str, params: dict, answer: dict | None, error, changes: list) -> None:
        usage = self.usage[self.phase]
        usage.calls[operation] += 1
        stored = self._before_items.pop(id(params), [])
        if answer is not None and operation in READS:
            self._add(usage, answer.get("ConsumedCapacity"), False)
            self._add_unreported_reads(usage, operation, params, answer)
            return
        if answer is not None:
            if operation == "TransactWriteItems":
                self._add_by_rules(usage, changes, factor=2)
            else:
                self._add(usage, answer.get("ConsumedCapacity"), operation in WRITES)
            self._count_keys(changes)
            return
        code = error.response.get("Error", {}).get("Code")
        if code == "ConditionalCheckFailedException":
            usage.refused["conditional write"] += 1
            (table, key, old), = stored
            item = params.get("Item")
            usage.write[self._logical(table)] += write_units(max(item_size(item), item_size(old)))
        elif code == "TransactionCanceledException":
            usage.refused["cancelled transaction"] += 1
            sent = {(t, repr(k)): item for t, k, item in self._targets(operation, params)}
            for table, key, old in stored:
                usage.write[self._logical(table)] += 2 * write_units(
                    max(item_size(sent.get((table, repr(key)))), item_size(old)))

    # --- reading what a write touched

    def _inside(self) -> bool:
        return getattr(self._local, "inside", False)

    def _read(self, table: str, key: dict) -> dict | None:
        self._local.inside = True
        try:
            return self.client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        finally:
            self._local.inside = False

    def _schema(self, table: str) -> Table:
        if table not in self._schemas:
            self._local.inside = True
            try:
                self._schemas[table] = schema(self.client, table)
            finally:
                self._local.inside = False
        return self._schemas[table]

    def _targets(self, operation: str, params: dict) -> Iterator[tuple[str, dict, dict | None]]:
        """(table, key, item sent or None) for every item a write names."""
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            table = params["TableName"]
            yield table, self._key(table, params.get("Key") or params["Item"]), params.get("Item")
        elif operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    body = request.get("PutRequest") or request["DeleteRequest"]
                    yield table, self._key(table, body.get("Key") or body["Item"]), body.get("Item")
        else:
            for action in params["TransactItems"]:
                (kind, body), = action.items()
                if kind != "ConditionCheck":
                    table = body["TableName"]
                    yield table, self._key(table, body.get("Key") or body["Item"]), body.get("Item")

    def _key(self, table: str, item: dict) -> dict:
        return {name: item[name] for name in self._schema(table).keys}

    def _count_keys(self, changes: list) -> None:
        if not self.counting_keys:
            return
        for table, key, old, new in changes:
            logical = self._logical(table)
            hash_key = self._schema(table).keys[0]
            self.keys[logical][next(iter(key[hash_key].values()))] += 1
            for index, (index_hash, projected) in self._schema(table).indexes.items():
                for changed, _ in _index_writes(old, new, index_hash, projected):
                    self.keys[f"{logical}/{index}"][changed] += 1

    def _add_by_rules(self, usage: Usage, changes: list, factor: int) -> None:
        for table, _, old, new in changes:
            logical = self._logical(table)
            usage.write[logical] += factor * write_units(max(item_size(old), item_size(new)))
            for index, (index_hash, projected) in self._schema(table).indexes.items():
                for _, entry in _index_writes(old, new, index_hash, projected):
                    usage.write[f"{logical}/{index}"] += factor * write_units(item_size(entry))

    # --- adding up

    def _add(self, usage: Usage, consumed, write: bool) -> None:
        bucket = usage.write if write else usage.read
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            logical = self._logical(entry["TableName"])
            bucket[logical] += entry.get("Table", {}).get("CapacityUnits", entry.get("CapacityUnits", 0))
            for index, figures in entry.get("GlobalSecondaryIndexes", {}).items():
                bucket[f"{logical}/{index}"] += figures["CapacityUnits"]

    def _add_unreported_reads(self, usage: Usage, operation: str, params: dict, answer: dict) -> None:
        """DynamoDB bills a key a BatchGetItem does not find, and a Query or Scan that finds nothing, the minimum
        (1 unit strongly consistent, 0.5 eventually); DynamoDB Local bills them nothing."""
        if operation == "BatchGetItem":
            for table, request in params["RequestItems"].items():
                found = len(answer.get("Responses", {}).get(table, []))
                missing = len(request["Keys"]) - found - len(answer.get("UnprocessedKeys", {}).get(table, {})
                                                             .get("Keys", []))
                usage.read[self._logical(table)] += missing * (1 if request.get("ConsistentRead") else 0.5)
        elif operation in ("Query", "Scan") and not answer.get("Count"):
            consumed = answer.get("ConsumedCapacity") or {}
            if not consumed.get("CapacityUnits"):
                name = self._logical(params["TableName"])
                if params.get("IndexName"):
                    name += f"/{params['IndexName']}"
                usage.read[name] += 1 if params.get("ConsistentRead") else 0.5

    def _logical(self, table: str) -> str:
        return table[len(self.prefix):] if table.startswith(self.prefix) else table

    def busiest_shares(self) -> dict[str, tuple[float, int, int, str]]:
        """Table or index → (busiest key's share of its writes, its writes, all writes, the key)."""
        shares = {}
        for name, counts in sorted(self.keys.items()):
            key, top = counts.most_common(1)[0]
            total = sum(counts.values())
            shares[name] = (top / total, top, total, key)
        return shares


def _index_writes(old: dict | None, new: dict | None, index_hash: str, projected) -> list[tuple[str, dict]]:
    """(index partition key, index entry) of each index write a change of an item from `old` to `new` makes."""
    def key(item):
        return None if not item or index_hash not in item else next(iter(item[index_hash].values()))

    def view(item):
        if not item:
            return None
        return item if projected is None else {name: item[name] for name in projected if name in item}

    before, after = key(old), key(new)
    if before != after:
        return [(k, view(item)) for k, item in ((before, old), (after, new)) if k is not None]
    if after is not None and view(old) != view(new):
        return [(after, view(new))]
    return []


@contextmanager
def metering(client, table_prefix: str) -> Iterator[Meter]:
    meter = Meter(client, table_prefix)
    with observed_calls() as calls:
        calls.before.append(meter.before)
        calls.after.append(meter.after)
        yield meter
