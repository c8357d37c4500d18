"""The packaged stack's CloudFront distribution (cache behaviours per kind of path, the origin: the site function's
URL with the origin secret, the custom domain), the finalization state machine and the warm throughput
parameters. The pages and the API through the function URL itself: tests/api/test_function_url.py."""
from __future__ import annotations

import fnmatch
import json

import pytest

from infra.template import cdn

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


def test_the_origin_is_the_site_functions_url_with_the_origin_secret(package):
    (origin,) = distribution(package)["Origins"]
    assert "OriginPath" not in origin
    assert origin["DomainName"] == {"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::GetAtt": [cdn.SITE_URL,
                                                                                           "FunctionUrl"]}]}]}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    (header,) = origin["OriginCustomHeaders"]
    assert header == {"HeaderName": "x-origin-verify", "HeaderValue": cdn.ORIGIN_SECRET}
    site = package.resources[cdn.SITE_FUNCTION]
    assert site["Properties"]["Environment"]["Variables"]["ORIGIN_SECRET"] == cdn.ORIGIN_SECRET
    assert site["Properties"]["Handler"] == "app.site"
    url = package.resources[cdn.SITE_URL]["Properties"]
    assert url["TargetFunctionArn"] == {"Fn::GetAtt": [cdn.SITE_FUNCTION, "Arn"]} and url["AuthType"] == "NONE"
    granted = {p["Properties"]["Action"] for p in package.of_type("AWS::Lambda::Permission").values()
               if p["Properties"]["FunctionName"] == {"Ref": cdn.SITE_FUNCTION}}
    assert {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"} <= granted


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


def test_an_optional_web_acl_limits_one_address(package):
    """The function URL has no throttle of its own: a WAF web ACL (a rate-based rule) on the distribution, if given."""
    assert package.template["Parameters"]["WebAclArn"]["Default"] == ""
    assert package.template["Conditions"]["HasWebAcl"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebAclArn"}, ""]}]}
    assert distribution(package)["WebACLId"] == {"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]}


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
