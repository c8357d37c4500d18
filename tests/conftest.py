"""Test-wide settings: fake AWS credentials, a fast scrypt, a fixed token secret, no EMF output."""
import os

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-southeast-1", "AWS_REGION": "ap-southeast-1",
    "TABLE_PREFIX": "test-", "RESULTS_BUCKET": "test-results", "TOKEN_SECRET": "test-secret",
    "SCRYPT_N": "1024", "ROUND_CACHE_SECONDS": "0", "STANDINGS_CACHE_SECONDS": "0",
    "POWERTOOLS_METRICS_DISABLED": "true",
})
os.environ.pop("DYNAMODB_ENDPOINT", None)
os.environ.pop("S3_ENDPOINT", None)

# DynamoDB Local and moto's S3 server for any test folder that needs them (see tests/localstack.py).
import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# Property tests check correctness, not speed: a shared, loaded machine must not fail them on a per-example deadline.
hypothesis_settings.register_profile("cuocthi", deadline=None)
hypothesis_settings.load_profile("cuocthi")

# AWS calls counted and failed at the botocore level (see tests/faults.py).
from tests.faults import aws_calls  # noqa: E402,F401
from tests.localstack import dynamodb_local, local_bucket, local_tables, s3_server  # noqa: E402,F401


@pytest.fixture
def clock():
    """The server's clock, fixed at T0 and moved by the test; the real clock again afterwards."""
    from chalicelib import runtime
    from tests.support import T0, Clock

    clock = Clock(T0)
    runtime.set_clock(clock)
    yield clock
    runtime.reset_clock()


@pytest.fixture(autouse=True)
def sms_outbox(tmp_path, monkeypatch):
    """Every test's SMS go to a file of its own (SMS_OUTBOX), never to SNS; `sms_outbox.codes()` reads them."""
    from chalicelib import config, store
    from tests.support import Outbox

    path = tmp_path / "sms.jsonl"
    monkeypatch.setenv("SMS_OUTBOX", str(path))
    config.current.cache_clear()
    store.reset()
    yield Outbox(path)
    config.current.cache_clear()


@pytest.fixture(autouse=True)
def _few_index_partitions(monkeypatch):
    """The accepted-attempts index over 16 partitions instead of 1,024: a finalization queries each one twice,
    which on moto costs milliseconds apiece. The code reads the count at call time (and a plan carries it to
    its tasks), so writing and reading agree; bench/finalization.py measures the real count."""
    from chalicelib.store import attempts as attempt_store

    monkeypatch.setattr(attempt_store, "ROUND_SHARDS", 16)
