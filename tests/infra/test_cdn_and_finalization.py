"""The packaged stack's CloudFront distribution (cache behaviours per kind of path, the origin path to the stage,
the custom domain), the finalization state machine and the warm throughput parameters; and the pages served as
CloudFront and API Gateway would serve them: under the stage, through the origin path."""
from __future__ import annotations

import fnmatch
import json
import re

import pytest

from infra.template import cdn
from tests.infra.test_template import stage_settings

DISABLED, OPTIMIZED = cdn.CACHING_DISABLED, cdn.CACHING_OPTIMIZED


def distribution(package) -> dict:
    (found,) = package.of_type("AWS::CloudFront::Distribution").values()
    return found["Properties"]["DistributionConfig"]


def behaviour_for(config: dict, path: str) -> dict:
    """CloudFront's rule: the first cache behaviour whose pattern matches, else the default one."""
    for behaviour in config["CacheBehaviors"]:
        if fnmatch.fnmatchcase(path, behaviour["PathPattern"]):
            return behaviour
    return config["DefaultCacheBehavior"]


def test_the_origin_is_the_api_stage(package):
    (origin,) = distribution(package)["Origins"]
    assert origin["OriginPath"] == "/" + stage_settings()["api_gateway_stage"]
    assert "${RestAPI}.execute-api." in origin["DomainName"]["Fn::Sub"]
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


@pytest.mark.parametrize("path", ["/static/app.0123456789.js", "/static/app.css"])
def test_static_files_are_cached_as_the_origin_says(package, path):
    behaviour = behaviour_for(distribution(package), path)
    assert behaviour["CachePolicyId"] == OPTIMIZED and behaviour["Compress"] is True


@pytest.mark.parametrize("path", ["/api/contest", "/api/units", "/api/stats", "/api/rounds/dot-1/leaderboard",
                                  "/api/rounds/dot-1/units", "/api/embed/stats.svg", "/api/embed/stats.json"])
def test_public_read_models_are_cached_seconds_with_their_query_strings(package, path):
    behaviour = behaviour_for(distribution(package), path)
    assert behaviour["CachePolicyId"] == {"Ref": cdn.PUBLIC_POLICY}
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"] and behaviour["Compress"] is True
    policy = package.resources[cdn.PUBLIC_POLICY]["Properties"]["CachePolicyConfig"]
    assert 1 <= policy["MinTTL"] == policy["DefaultTTL"] == policy["MaxTTL"] <= 10
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "whitelist",
                                         "QueryStrings": ["limit", "category", "unit_id", "round_id"]}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}     # no Authorization: the same answer for all
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}


@pytest.mark.parametrize("path", ["/api/me", "/api/sessions", "/api/participants", "/api/rounds/dot-1/attempts",
                                  "/api/attempts/a1/submission", "/api/admin/rounds/dot-1/results",
                                  "/api/admin/rounds/dot-1/units", "/api/me/rounds/dot-1/standing", "/api/health"])
def test_personal_and_organizer_paths_are_never_cached(package, path):
    behaviour = behaviour_for(distribution(package), path)
    assert behaviour["CachePolicyId"] == DISABLED
    assert behaviour["OriginRequestPolicyId"] == cdn.ALL_VIEWER_EXCEPT_HOST   # Authorization goes to the API
    assert {"POST", "PUT", "DELETE"} <= set(behaviour["AllowedMethods"])


def test_pages_at_the_root_and_a_custom_domain_as_parameters(package):
    config = distribution(package)
    assert behaviour_for(config, "/") is config["DefaultCacheBehavior"]
    assert behaviour_for(config, "/admin") is config["DefaultCacheBehavior"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    params = package.template["Parameters"]
    assert params["DomainName"]["Default"] == "" and params["CertificateArn"]["Default"] == ""
    assert config["Aliases"]["Fn::If"][0] == "HasCustomDomain"
    assert config["ViewerCertificate"]["Fn::If"][1]["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    site = package.template["Outputs"]["SiteURL"]["Value"]["Fn::If"]
    assert site[2] == {"Fn::Sub": "https://${SiteDistribution.DomainName}/"}


class Gateway:
    """API Gateway's stage routing in front of the app (paths outside the stage are unknown there), reached
    through CloudFront's origin path: what a browser's request for `path` becomes."""

    def __init__(self, client, stage: str, origin_path: str) -> None:
        self.client, self.stage, self.origin_path = client, stage, origin_path

    def get(self, path: str):
        forwarded = self.origin_path + path
        prefix = f"/{self.stage}"
        assert forwarded == prefix or forwarded.startswith(prefix + "/"), f"{forwarded} is outside the stage"
        return self.client.http.get(forwarded[len(prefix):] or "/")


def test_the_pages_work_under_the_stage_through_the_origin_path(package, monkeypatch):
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import config, store
    from local.schema import create_tables

    (origin,) = distribution(package)["Origins"]
    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        create_tables(boto3.client("dynamodb", region_name=settings.region), settings.table_prefix)
        store.bind(settings)
        with Client(app) as client:
            site = Gateway(client, stage_settings()["api_gateway_stage"], origin["OriginPath"])
            for page in ("/", "/admin"):
                answer = site.get(page)
                assert answer.status_code == 200, page
                html = answer.body.decode()
                assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
                assert assets, page
                for asset in assets:
                    assert site.get(asset).status_code == 200, asset
            contest = site.get("/api/contest")
            assert contest.status_code == 200 and "rounds" in json.loads(contest.body)
        store.reset()


def test_the_finalization_state_machine(package):
    (machine,) = package.of_type("AWS::StepFunctions::StateMachine").values()
    template, values = machine["Properties"]["DefinitionString"]["Fn::Sub"]
    definition = json.loads(template)
    assert values == {"FinalizeStepArn": {"Fn::GetAtt": ["FinalizeStep", "Arn"]}}
    states = definition["States"]
    for name in ("Count", "Reduce"):
        assert states[name]["Type"] == "Map"
        assert states[name]["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    for name in ("Plan", "Count", "Truth", "Reduce", "Merge"):
        assert states[name]["Catch"][0]["Next"] == "Failed", name
    assert states["Failed"]["Parameters"]["Payload"]["step"] == "failed"
    functions = package.of_type("AWS::Serverless::Function")
    step = functions["FinalizeStep"]["Properties"]
    assert step["EphemeralStorage"]["Size"] >= 2048 and step["Timeout"] == 900
    assert "FINALIZE_STATE_MACHINE" in functions["FinalizeRounds"]["Properties"]["Environment"]["Variables"]
    role = package.resources["FinalizationRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "states.amazonaws.com"}
    alarms = [a["Properties"] for a in package.of_type("AWS::CloudWatch::Alarm").values()]
    assert any(a["MetricName"] == "FinalizationStopped" for a in alarms)


def test_warm_throughput_of_the_busy_tables_is_a_parameter(package):
    tables = {t["Metadata"]["cuocthi:table"]: t["Properties"] for t in package.of_type("AWS::DynamoDB::Table").values()}
    for logical, prefix in (("attempts", "Attempts"), ("standings", "Standings")):
        warm = {"ReadUnitsPerSecond": {"Ref": f"{prefix}WarmReads"},
                "WriteUnitsPerSecond": {"Ref": f"{prefix}WarmWrites"}}
        assert tables[logical]["WarmThroughput"] == warm
        assert all(index["WarmThroughput"] == warm for index in tables[logical].get("GlobalSecondaryIndexes", []))
        assert package.template["Parameters"][f"{prefix}WarmWrites"]["Default"] >= 4000
