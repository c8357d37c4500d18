"""AWS calls seen and failed at the botocore level, below PynamoDB and boto3, on moto or DynamoDB Local alike:
`calls.count("Query")` counts what the code asked for; `calls.fail("TransactWriteItems", "TransactionCanceledException",
reasons=[None, "TransactionConflict"])` makes the next matching call fail as DynamoDB would say it."""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError, ReadTimeoutError


@dataclass
class Fault:
    operation: str                      # "TransactWriteItems", or "*" for any
    code: str                           # e.g. ProvisionedThroughputExceededException
    times: int | None = 1               # how many matching calls fail; None: every one
    reasons: list[str | None] | None = None     # per item of a cancelled transaction
    service: str = "dynamodb"
    after: bool = False                 # the call goes through and its answer is lost (a timeout after a write)

    def matches(self, service: str, operation: str) -> bool:
        return self.service == service and self.operation in ("*", operation) and self.times != 0

    def error(self, operation: str) -> Exception:
        if self.times is not None:
            self.times -= 1
        if self.code == "timeout":
            return ReadTimeoutError(endpoint_url=f"injected timeout of {operation}")
        response: dict = {"Error": {"Code": self.code, "Message": f"injected {self.code}"},
                          "ResponseMetadata": {"HTTPStatusCode": 400}}
        if self.reasons is not None:
            response["CancellationReasons"] = [{"Code": reason or "None"} for reason in self.reasons]
        return ClientError(response, operation)


@dataclass
class Calls:
    seen: list[tuple[str, str]] = field(default_factory=list)      # (service, operation), in order
    items: list[int] = field(default_factory=list)                 # per call: how many Items it answered
    tables: list[str | None] = field(default_factory=list)         # per call: the table it named, if one
    faults: list[Fault] = field(default_factory=list)
    # Called around every call (the benchmarks' capacity meter): `before(service, operation, params)` may add
    # parameters; `after(service, operation, params, answer, error)` sees the answer or the ClientError.
    before: list[Callable[[str, str, dict], None]] = field(default_factory=list)
    after: list[Callable[[str, str, dict, dict | None, ClientError | None], None]] = field(default_factory=list)

    def fail(self, operation: str, code: str, times: int | None = 1, reasons: list[str | None] | None = None,
             service: str = "dynamodb", after: bool = False) -> Fault:
        """The next `times` matching calls fail with `code` ("timeout": botocore's read timeout), before they
        reach the service, or with `after` once the service has done them."""
        fault = Fault(operation, code, times, reasons, service, after)
        self.faults.append(fault)
        return fault

    def count(self, operation: str | None = None, service: str = "dynamodb", table: str | None = None) -> int:
        """Calls of `operation` (any when None), on a table whose name ends with `table` when given."""
        return sum(1 for (s, op), name in zip(self.seen, self.tables, strict=True)
                   if s == service and operation in (None, op)
                   and (table is None or (name or "").endswith(table)))

    def operations(self, service: str = "dynamodb") -> list[str]:
        return [op for s, op in self.seen if s == service]

    def by_operation(self, service: str = "dynamodb") -> Counter:
        return Counter(self.operations(service))

    def clear(self) -> None:
        self.seen.clear()
        self.items.clear()
        self.tables.clear()
        self.faults.clear()


@contextmanager
def observed_calls() -> Iterator[Calls]:
    """Every botocore call of the process is seen (and may be failed) while the block runs."""
    calls = Calls()
    real = BaseClient._make_api_call

    lock = threading.Lock()

    def observed(client, operation_name, api_params):
        service = client.meta.service_model.service_name
        with lock:                                  # calls may come from several threads
            calls.seen.append((service, operation_name))
            calls.items.append(0)
            calls.tables.append(api_params.get("TableName"))
            index = len(calls.items) - 1
        for fault in calls.faults:
            if not fault.after and fault.matches(service, operation_name):
                raise fault.error(operation_name)
        for before in calls.before:
            before(service, operation_name, api_params)
        try:
            answer = real(client, operation_name, api_params)
        except ClientError as error:
            for after in calls.after:
                after(service, operation_name, api_params, None, error)
            raise
        for after in calls.after:
            after(service, operation_name, api_params, answer, None)
        for fault in calls.faults:
            if fault.after and fault.matches(service, operation_name):
                raise fault.error(operation_name)
        calls.items[index] = len(answer.get("Items", []))
        return answer

    BaseClient._make_api_call = observed
    try:
        yield calls
    finally:
        BaseClient._make_api_call = real


@pytest.fixture
def aws_calls() -> Iterator[Calls]:
    with observed_calls() as calls:
        yield calls
