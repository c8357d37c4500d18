"""CloudFront in front of the API: the site at the root, every path to the app's `site` function through its
Lambda function URL (chalicelib/api/function_url.py: the same routes, without API Gateway's fee per request; the
REST API Chalice generates stays, reachable directly at EndpointURL), compression, static files cached for good,
the public read models cached a few seconds (query strings that change the answer in the cache key), personal
and organizer paths never cached (Authorization and everything else forwarded). An optional custom domain with
its ACM certificate (us-east-1) comes in as parameters, and so does an optional AWS WAF web ACL (a rate-based rule
per address: the function URL has no throttle of its own). The stack's `SiteURL` output is the address to give out."""
from __future__ import annotations

from chalicelib.api.function_url import VERIFY_HEADER  # CloudFront adds it; the function refuses a request without it

DISTRIBUTION = "SiteDistribution"
PUBLIC_POLICY = "PublicReadsCachePolicy"
PUBLIC_SECONDS = 5
# AWS managed policies (the same ids in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"        # honours the origin's Cache-Control
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"    # Authorization, query, cookies; not Host
# The public read models (API.md, Public and Embeds) and the query strings their answers depend on.
PUBLIC_PATHS = ("/api/contest", "/api/units", "/api/stats", "/api/rounds/*/leaderboard", "/api/rounds/*/units",
                "/api/embed/*")
PUBLIC_QUERY = ["limit", "category", "unit_id", "round_id"]
ORIGIN = "site"
SITE_FUNCTION = "Site"                 # app.py's `site` function, as Chalice names its resource
SITE_URL = "SiteFunctionUrl"
# The origin secret: the stack id's random part, known to CloudFront and the function, not to the public (it keeps
# the function URL from being a way around the cache, it is no authentication: tokens are).
ORIGIN_SECRET = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}

PARAMETERS = {
    "DomainName": {"Type": "String", "Default": "",
                   "Description": "Optional custom domain of the site (e.g. thi.example.gov.vn); empty: CloudFront's."},
    "CertificateArn": {"Type": "String", "Default": "",
                       "Description": "ACM certificate for DomainName, issued in us-east-1 (CloudFront's region)."},
    "WebAclArn": {"Type": "String", "Default": "",
                  "Description": "Optional AWS WAF web ACL for the distribution (scope CLOUDFRONT, made in us-east-1; "
                                 "README: The week before a big deadline); empty: none."},
}


def _given(parameter: str) -> dict:
    return {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, ""]}]}


CONDITIONS = {"HasCustomDomain": {"Fn::And": [_given("DomainName"), _given("CertificateArn")]},
              "HasWebAcl": _given("WebAclArn")}


def _behaviour(policy: dict, methods: list[str], **extra) -> dict:
    return {"TargetOriginId": ORIGIN, "ViewerProtocolPolicy": "redirect-to-https", "Compress": True,
            "AllowedMethods": methods, "CachedMethods": ["GET", "HEAD"], "CachePolicyId": policy, **extra}


READ = ["GET", "HEAD"]
ALL = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]


def _site_url() -> dict[str, dict]:
    """The function URL, open to anyone (the origin secret and the tokens decide); both permissions a new
    function URL needs since October 2025."""
    function = {"Ref": SITE_FUNCTION}
    return {
        SITE_URL: {"Type": "AWS::Lambda::Url", "Properties": {
            "TargetFunctionArn": {"Fn::GetAtt": [SITE_FUNCTION, "Arn"]}, "AuthType": "NONE",
            "InvokeMode": "BUFFERED"}},
        "SiteUrlPermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunctionUrl", "FunctionName": function, "Principal": "*",
            "FunctionUrlAuthType": "NONE"}},
        "SiteInvokePermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": function, "Principal": "*",
            "InvokedViaFunctionUrl": True}},
    }


def function_settings() -> dict[str, dict]:
    """The site function learns the origin secret."""
    return {SITE_FUNCTION: {"Properties": {"Environment": {"Variables": {"ORIGIN_SECRET": ORIGIN_SECRET}}}}}


def resources() -> dict[str, dict]:
    public_policy = {"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": {
        "Name": {"Fn::Sub": "${AWS::StackName}-public-reads"},
        "Comment": "Public read models: a few seconds at the edge, the query strings that matter in the key.",
        "MinTTL": PUBLIC_SECONDS, "DefaultTTL": PUBLIC_SECONDS, "MaxTTL": PUBLIC_SECONDS,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True, "EnableAcceptEncodingBrotli": True,
            "HeadersConfig": {"HeaderBehavior": "none"}, "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "whitelist", "QueryStrings": PUBLIC_QUERY}}}}}
    public = {"Ref": PUBLIC_POLICY}
    behaviours = [{"PathPattern": "/static/*", **_behaviour(CACHING_OPTIMIZED, READ)}]
    behaviours += [{"PathPattern": path, **_behaviour(public, READ)} for path in PUBLIC_PATHS]
    behaviours.append({"PathPattern": "/api/*", **_behaviour(CACHING_DISABLED, ALL,
                                                            OriginRequestPolicyId=ALL_VIEWER_EXCEPT_HOST)})
    custom = "HasCustomDomain"
    distribution = {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "Enabled": True, "Comment": {"Fn::Sub": "${AWS::StackName} site and API"}, "HttpVersion": "http2and3",
        "IPV6Enabled": True, "PriceClass": "PriceClass_200",
        "WebACLId": {"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]},
        "Aliases": {"Fn::If": [custom, [{"Ref": "DomainName"}], {"Ref": "AWS::NoValue"}]},
        "ViewerCertificate": {"Fn::If": [custom, {"AcmCertificateArn": {"Ref": "CertificateArn"},
                                                  "SslSupportMethod": "sni-only",
                                                  "MinimumProtocolVersion": "TLSv1.2_2021"},
                                         {"CloudFrontDefaultCertificate": True}]},
        # https://<id>.lambda-url.<region>.on.aws/ → its host name
        "Origins": [{"Id": ORIGIN, "DomainName": {"Fn::Select": [2, {"Fn::Split": [
                         "/", {"Fn::GetAtt": [SITE_URL, "FunctionUrl"]}]}]},
                     "OriginCustomHeaders": [{"HeaderName": VERIFY_HEADER, "HeaderValue": ORIGIN_SECRET}],
                     "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "HTTPSPort": 443,
                                            "OriginSSLProtocols": ["TLSv1.2"]}}],
        # the pages (`/`, `/admin`): no-cache with an ETag at the origin, so the edge keeps them a second at most
        "DefaultCacheBehavior": _behaviour(CACHING_OPTIMIZED, READ),
        "CacheBehaviors": behaviours}}}
    return {PUBLIC_POLICY: public_policy, DISTRIBUTION: distribution, **_site_url()}


OUTPUTS = {"SiteURL": {"Description": "The site and its API through CloudFront: the address to give out.",
                       "Value": {"Fn::If": ["HasCustomDomain", {"Fn::Sub": "https://${DomainName}/"},
                                            {"Fn::Sub": "https://${%s.DomainName}/" % DISTRIBUTION}]}}}
