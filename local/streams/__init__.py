"""The stream runner: Lambda's DynamoDB event source mapping, locally.

For every `@app.on_dynamodb_record` handler of the app it reads the matching DynamoDB Local table's stream
and calls the very handler app.py registers (`app.handler_map[name]`, so the call goes through Chalice's
DynamoDBEvent) with Lambda-shaped events. Like Lambda with ReportBatchItemFailures it

- reads each shard in order, parents before children, in batches of the handler's batch_size;
- honours the partial batch response: records before the first reported failure are done, the rest are
  retried (with back-off) — a failing record is never skipped; a handler exception or an invalid
  `itemIdentifier` retries the whole batch; after `alarm_after` failures in a row it logs loudly and keeps
  retrying;
- keeps its position per shard in a checkpoint file written after each handled batch, so a restart resumes
  where it stopped (a batch handled but not yet checkpointed when the runner dies is delivered again:
  at-least-once, as in the cloud).

Lag (records read from the stream but not yet handled, and for how long the oldest has waited) is in the
log line of every busy cycle and available from `StreamRunner.lag()`; `wait_until_caught_up()` waits
until everything written before the call has been handled.

    python -m local.streams [--checkpoint FILE]     # run it alone against $DYNAMODB_ENDPOINT

handlers (which handler reads which table), invocation (Lambda's context and partial batch responses),
checkpoints, worker (one mapping's shards), runner (the threads, lag, waiting), __main__ (the command).
"""
from local.streams.checkpoints import Checkpoints
from local.streams.handlers import Mapping, discover
from local.streams.invocation import first_failure, lambda_context
from local.streams.runner import StreamRunner, from_config
from local.streams.worker import GET_RECORDS_LIMIT, Lag, MappingWorker

__all__ = ["GET_RECORDS_LIMIT", "Checkpoints", "Lag", "Mapping", "MappingWorker", "StreamRunner", "discover",
           "first_failure", "from_config", "lambda_context"]
