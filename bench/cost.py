"""The capacity and cost model: from the figures the other benchmarks of the same run measured (DynamoDB units,
handler milliseconds and bytes per request, finalization's reads), what a contest of a given size costs in
write and read units, Lambda GB-seconds, API Gateway and CloudFront requests, and dollars at list prices.

The units per accepted attempt are those bench/requests.py measured through the pages' flow (the handlers and
the aggregator); bench/finalization.py gives finalization's reads and milliseconds.

List prices, US dollars, Asia Pacific (Singapore) ap-southeast-1, as the AWS pricing pages give them
(aws.amazon.com/dynamodb/pricing/on-demand, /lambda/pricing, /api-gateway/pricing, /cloudfront/pricing,
/step-functions/pricing, /s3/pricing; on-demand DynamoDB after the November 2024 reduction). Check them before
quoting a budget: they change, and the free tiers are left out.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

PRICES = {
    "dynamodb_write_per_million": 0.7125,    # on-demand write request units
    "dynamodb_read_per_million": 0.1425,     # on-demand read request units
    "lambda_gb_second": 0.0000166667,        # x86
    "lambda_requests_per_million": 0.20,
    "api_rest_per_million": 4.25,            # REST API, first 333 million a month
    "cloudfront_https_per_10k": 0.0120,      # HTTPS requests, Asia Pacific edges
    "cloudfront_gb_out": 0.140,              # data transfer out, first 10 TB, Asia Pacific edges
    "step_functions_per_transition": 0.000025,
    "s3_put_per_1000": 0.005,
    "s3_get_per_1000": 0.0004,
}
API_GB, AGGREGATOR_GB, FINALIZE_GB = 1.0, 0.5, 2.0        # .chalice/config.json memory sizes
LAMBDA_OVERHEAD_MS = 5                                    # billed time beyond the handler's own (runtime, I/O)
# Never cached at the edge, so every one reaches the origin: the personal requests, and the announcements (public,
# but an organizer who posts one must see it at once: infra/template/cdn.py leaves them out of the cached paths).
ORIGIN_KINDS = ("register", "me", "start", "submit", "announcements")
PUBLIC_SECONDS = 5                                                   # infra/template/cdn.py
EDGE_LOCATIONS = 20                                                  # edges that fetch a public read each TTL
STATIC_BYTES = 20_365            # app.js + common.js + app.css gzipped (chalicelib.api.web): once per participant
PAGE_BYTES = 800                 # index.html gzipped with headers: once per visit (revalidated, 304 or 200)


@dataclass(frozen=True)
class Contest:
    name: str
    participants: int
    attempts: int
    peak_per_second: float
    hours: float                 # how long the round is open (public reads keep the edges warm meanwhile)


CONTESTS = [Contest("Quảng Bình 2021", 14_441, 90_271, 20, 20 * 24),
            Contest("national (2.1 M / 7.4 M)", 2_100_000, 7_400_000, 2_000, 30 * 24)]


def inputs(requests: dict, finalization: dict) -> dict:
    """The per-attempt figures the model uses."""
    units = {"write_units_per_attempt": requests["write_units_per_attempt"],
             "read_units_per_attempt": requests["read_units_per_attempt"], "source": "bench/requests.py"}
    return {"kinds": requests["kinds"], "aggregator_ms": requests["aggregator"]["ms"], **units,
            "finalize_read_units": finalization["read_units_per_attempt"],
            "finalize_ms": finalization["ms_per_attempt"]}


# CloudFront's origin (infra/template/cdn.py): the `site` function's URL, which adds no fee to the Lambda request;
# "rest_api" prices the same requests through API Gateway's REST API, the origin before (README, Benchmarks).
ORIGINS = ("function_url", "rest_api")


def model(contest: Contest, figures: dict, origin: str = "function_url") -> dict:
    if origin not in ORIGINS:
        raise ValueError(f"origin is one of {ORIGINS}")
    prices = {**PRICES, **({"api_rest_per_million": 0.0} if origin == "function_url" else {})}
    kinds = figures["kinds"]
    per_attempt = {kind: k["per_attempt"] for kind, k in kinds.items()}
    per_attempt["register"] = contest.participants / contest.attempts       # once per participant
    origin = sum(per_attempt[k] * contest.attempts for k in ORIGIN_KINDS if k in per_attempt)
    public = per_attempt.get("public read", 0) * contest.attempts
    pages = contest.attempts + contest.participants * 3                     # a visit's HTML; the static files once
    edge_requests = origin + public + pages
    public_paths = 3 + 1                                                    # contest, stats, units, a leaderboard
    origin_public = min(public, public_paths * EDGE_LOCATIONS * contest.hours * 3600 / PUBLIC_SECONDS)
    api_requests = origin + origin_public
    lambda_seconds = sum(per_attempt[k] * contest.attempts * (kinds[k]["ms"] + LAMBDA_OVERHEAD_MS)
                         for k in ORIGIN_KINDS if k in kinds) / 1000
    lambda_seconds += origin_public * (kinds["public read"]["ms"] + LAMBDA_OVERHEAD_MS) / 1000
    gb_seconds = (lambda_seconds * API_GB
                  + contest.attempts * (figures["aggregator_ms"] + LAMBDA_OVERHEAD_MS) / 1000 * AGGREGATOR_GB
                  + contest.attempts * figures["finalize_ms"] / 1000 * FINALIZE_GB)
    writes = contest.attempts * figures["write_units_per_attempt"]
    reads = contest.attempts * (figures["read_units_per_attempt"] + figures["finalize_read_units"])
    out_bytes = (sum(per_attempt[k] * contest.attempts * kinds[k]["bytes"] for k in kinds if k != "register")
                 + contest.attempts * PAGE_BYTES + contest.participants * STATIC_BYTES)
    p = prices
    dollars = {
        "DynamoDB writes": writes / 1e6 * p["dynamodb_write_per_million"],
        "DynamoDB reads": reads / 1e6 * p["dynamodb_read_per_million"],
        "Lambda": gb_seconds * p["lambda_gb_second"]
        + (api_requests + contest.attempts / 100) / 1e6 * p["lambda_requests_per_million"],
        "API Gateway": api_requests / 1e6 * p["api_rest_per_million"],     # 0 behind the function URL
        "CloudFront requests": edge_requests / 1e4 * p["cloudfront_https_per_10k"],
        "CloudFront transfer": out_bytes / 1e9 * p["cloudfront_gb_out"],
        "Step Functions, S3": 64 * 8 * p["step_functions_per_transition"] + 6 * 64 * 3 * p["s3_put_per_1000"] / 1000,
    }
    total = sum(dollars.values())
    return {"contest": contest, "writes": writes, "reads": reads, "gb_seconds": gb_seconds,
            "api_requests": api_requests, "edge_requests": edge_requests, "dollars": dollars, "total": total,
            "per_100k": total / contest.attempts * 100_000,
            "peak_writes_per_second": contest.peak_per_second * figures["write_units_per_attempt"],
            "peak_concurrency": contest.peak_per_second * sum(
                per_attempt[k] * (kinds[k]["ms"] + LAMBDA_OVERHEAD_MS) / 1000 for k in ORIGIN_KINDS if k in kinds)}


def watchers(figures: dict, phones: int = 10_000, every_seconds: float = 30, hours: float = 1) -> dict:
    """Phones refreshing a public table: every request at the edge, a handful reach the origin each TTL."""
    requests = phones * hours * 3600 / every_seconds
    kind = figures["kinds"]["public read"]
    edge = requests / 1e4 * PRICES["cloudfront_https_per_10k"] + requests * kind["bytes"] / 1e9 * PRICES[
        "cloudfront_gb_out"]
    origin = EDGE_LOCATIONS * hours * 3600 / PUBLIC_SECONDS
    without_cdn = requests / 1e6 * (PRICES["api_rest_per_million"] + PRICES["lambda_requests_per_million"]) \
        + requests * (kind["ms"] + LAMBDA_OVERHEAD_MS) / 1000 * API_GB * PRICES["lambda_gb_second"]
    return {"phones": phones, "every_seconds": every_seconds, "requests": requests, "origin_requests": origin,
            "dollars": edge + origin / 1e6 * PRICES["lambda_requests_per_million"], "without_cdn": without_cdn}


def report(figures: dict) -> list[dict]:
    print(f"capacity and cost at list prices (ap-southeast-1, USD; units from {figures['source']}: "
          f"{figures['write_units_per_attempt']:.1f} write, {figures['read_units_per_attempt']:.1f} read units an "
          f"accepted attempt; finalization {figures['finalize_read_units']:.2f} read units, "
          f"{figures['finalize_ms']:.2f} ms an attempt):")
    rows = [model(contest, figures) for contest in CONTESTS]
    for r in rows:
        c = r["contest"]
        print(f"  {c.name}: {c.participants:,} participants, {c.attempts:,} attempts, peak {c.peak_per_second:,.0f}/s")
        print(f"    {r['writes'] / 1e6:,.2f} M write units ({r['peak_writes_per_second']:,.0f}/s at the peak), "
              f"{r['reads'] / 1e6:,.2f} M read units, {r['gb_seconds']:,.0f} Lambda GB-s "
              f"(about {r['peak_concurrency']:,.0f} concurrent at the peak), "
              f"{r['api_requests'] / 1e6:,.2f} M origin and {r['edge_requests'] / 1e6:,.2f} M CloudFront requests")
        print("    " + ", ".join(f"{name} ${value:,.2f}" for name, value in r["dollars"].items()))
        print(f"    total ${r['total']:,.2f}; per 100,000 accepted attempts ${r['per_100k']:.2f} (target <= 3)")
        rest = model(c, figures, "rest_api")
        print(f"    the same through API Gateway's REST API instead of the function URL: "
              f"${rest['total']:,.2f}, ${rest['per_100k']:.2f} per 100,000")
    w = watchers(figures)
    print(f"  {w['phones']:,} phones refreshing a public table every {w['every_seconds']:.0f} s for an hour: "
          f"{w['requests'] / 1e6:.1f} M edge requests, {w['origin_requests']:,.0f} reach the origin: "
          f"${w['dollars']:.2f} (without CloudFront ${w['without_cdn']:.2f})")
    return rows


def main(requests: dict | None = None, finalization: dict | None = None) -> list[dict]:
    from bench import finalization as finalization_bench
    from bench import requests as requests_bench

    requests = requests or requests_bench.measure()
    finalization = finalization or finalization_bench.measure()
    return report(inputs(requests, finalization))


if __name__ == "__main__":
    main()
    sys.exit(0)
