"""cuocthi: wiring only. Routes live in chalicelib/api, event handlers in chalicelib/events."""
import os

from chalice import Chalice

from chalicelib import config, store
from chalicelib.api import (
    accounts,
    admin,
    admin_accounts,
    admin_contest,
    admin_exports,
    admin_participants,
    admin_rounds,
    attempts,
    embeds,
    function_url,
    pages,
    participants,
    public,
    web,
)
from chalicelib.api.errors import error_middleware
from chalicelib.contest.tables import XLSX_MIME

app = Chalice(app_name="cuocthi")
app.api.binary_types.append(XLSX_MIME)
app.api.binary_types.append("application/pdf")
store.bind(config.current())

app.register_middleware(error_middleware, "http")
for blueprint in (public.bp, participants.bp, accounts.bp, attempts.bp, pages.bp, admin.bp, admin_accounts.bp,
                  admin_participants.bp, admin_exports.bp, admin_contest.bp, admin_rounds.bp, embeds.bp, web.bp):
    app.register_blueprint(blueprint)

# The same routes behind a Lambda function URL, CloudFront's origin: no API Gateway fee per request.
site_events = function_url.RestEvents(app.routes)


@app.lambda_function(name="site")
def site(event, context):
    """CloudFront's origin: the pages and the API, from function URL events (chalicelib/api/function_url.py)."""
    return function_url.handle(app, site_events, event, context, config.current().origin_secret)

# --- event handlers: the stream builds the standings, the schedule moves rounds along. Each imports its module
# when it runs: every function loads this file, and the API's cold start should not pay for the event code.
PLACEHOLDER_STREAM = "arn:aws:dynamodb:ap-southeast-1:000000000000:table/{}/stream/1970-01-01T00:00:00.000"
# Lambda waits up to this long to fill a batch: a chunk's commit and pages are paid once per batch, so light
# traffic no longer pays them per record; the live standings lag by at most this much more.
BATCHING_WINDOW_SECONDS = 5


@app.on_dynamodb_record(stream_arn=os.environ.get("ATTEMPTS_STREAM_ARN", PLACEHOLDER_STREAM.format("attempts")),
                        batch_size=500, maximum_batching_window_in_seconds=BATCHING_WINDOW_SECONDS,
                        starting_position="TRIM_HORIZON", name="aggregate_attempts")
def aggregate_attempts(event):
    from chalicelib.events import aggregator

    return aggregator.handle_attempts(event.to_dict())


@app.on_dynamodb_record(
    stream_arn=os.environ.get("PARTICIPANTS_STREAM_ARN", PLACEHOLDER_STREAM.format("participants")),
    batch_size=500, maximum_batching_window_in_seconds=BATCHING_WINDOW_SECONDS,
    starting_position="TRIM_HORIZON", name="count_registrations")
def count_registrations(event):
    from chalicelib.events import aggregator

    return aggregator.handle_registrations(event.to_dict())


@app.schedule("rate(1 minute)", name="tick_rounds")
def tick_rounds(event):
    from chalicelib.events import lifecycle

    return lifecycle.tick()


@app.schedule("rate(1 minute)", name="finalize_rounds")
def finalize_rounds(event):
    from chalicelib.events import lifecycle

    return lifecycle.finalize_due()


@app.schedule("rate(1 minute)", name="build_exports")
def build_exports(event):
    from chalicelib.events import registrations

    return registrations.build_due()


@app.lambda_function(name="finalize_step")
def finalize_step(event, context):
    """One step of the finalization state machine (chalicelib/events/flow.py)."""
    from chalicelib.events import flow

    return flow.handle(event)
