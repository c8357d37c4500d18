"""chalicelib/events/sources.py: the one reader of the app's event sources and of the table a stream ARN names."""
from __future__ import annotations

import pytest
from chalice import Chalice, Rate

from chalicelib.events.sources import ScheduleSource, StreamSource, event_sources, stream_table

ARN = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/{}/stream/2021-10-01T00:00:00.000"
LOGICAL = {"attempts", "participants", "units", "org-units"}


@pytest.mark.parametrize(("table", "logical"), [
    ("attempts", "attempts"),                     # app.py's placeholder: the logical name
    ("cuocthi-prod-attempts", "attempts"),        # a stack's table
    ("it12x3-participants", "participants"),      # a test's prefixed table
    ("cuocthi-prod-org-units", "org-units"),      # the longest logical name that fits
    ("cuocthi-prod-units", "units"),
    ("org-units", "org-units"),
])
def test_the_table_a_stream_arn_names(table, logical):
    assert stream_table(ARN.format(table), LOGICAL) == logical


def test_a_china_or_govcloud_arn_is_read_too():
    assert stream_table("arn:aws-cn:dynamodb:cn-north-1:1:table/x-units/stream/2021", iter(LOGICAL)) == "units"


@pytest.mark.parametrize("arn", [ARN.format("cuocthi-prod-prizes"), ARN.format("attemptsx"),
                                 ARN.format("xattempts")])
def test_a_stream_of_no_known_table_is_refused(arn):
    with pytest.raises(ValueError, match="names none of the tables"):
        stream_table(arn, LOGICAL)


@pytest.mark.parametrize("arn", ["", "arn:aws:dynamodb:r:1:table/attempts", "arn:aws:sqs:r:1:attempts/stream/x"])
def test_what_is_no_stream_arn_is_refused(arn):
    with pytest.raises(ValueError, match="not a DynamoDB stream ARN"):
        stream_table(arn, LOGICAL)


def test_the_sources_of_an_app_in_declaration_order():
    app = Chalice(app_name="sources-test")

    @app.schedule("rate(5 minutes)", name="tick")
    def tick(event):
        return None

    @app.on_dynamodb_record(stream_arn=ARN.format("participants"), batch_size=7, starting_position="LATEST",
                            name="feed")
    def feed(event):
        return None

    @app.schedule(Rate(2, unit=Rate.HOURS), name="slow")
    def slow(event):
        return None

    assert event_sources(app) == [ScheduleSource("tick", "rate(5 minutes)"),
                                  StreamSource("feed", ARN.format("participants"), 7, "LATEST"),
                                  ScheduleSource("slow", "rate(2 hours)")]
    assert [source.kind for source in event_sources(app)] == ["schedule", "stream", "schedule"]
    assert event_sources(app)[1].table(LOGICAL) == "participants"


def test_the_projects_app():
    from app import app

    sources = {source.name: source for source in event_sources(app)}
    assert {name: source.kind for name, source in sources.items()} == {
        "aggregate_attempts": "stream", "count_registrations": "stream",
        "tick_rounds": "schedule", "finalize_rounds": "schedule", "build_exports": "schedule"}
    assert sources["aggregate_attempts"].table(LOGICAL) == "attempts"
    assert sources["count_registrations"].table(LOGICAL) == "participants"


def test_an_event_source_neither_side_wires_is_refused():
    app = Chalice(app_name="sources-test")

    @app.on_sqs_message(queue="jobs", name="jobs")
    def jobs(event):
        return None

    with pytest.raises(ValueError, match="jobs: SQSEventConfig event sources are not supported"):
        event_sources(app)
