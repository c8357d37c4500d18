"""The chaos run's comparison: every submission answered 200 against each place the platform shows it.

For each view the expected count comes from the clients' own record of 200 answers; what the view shows is
counted, and the difference is `lost` (fewer) or `doubled` (more, or the same attempt or participant twice).
Orders and values are checked too (the final ranking is recomputed here from RULES.md), as `problems`."""
from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import load_workbook

ATTEMPT_ID, CORRECT = "Mã lượt thi", "Số câu đúng"       # columns of the result files
ROOT = "chaos-tinh"                                         # the unit above all the others


@dataclass(frozen=True)
class Accepted:
    attempt_id: str
    participant_id: str
    unit_id: str
    category: str
    correct: int
    prediction: int
    duration_ms: int
    submitted_at: int

    @classmethod
    def of(cls, result: dict, participant_id: str, unit_id: str, category: str) -> Accepted:
        submitted = datetime.fromisoformat(result["submitted_at"].replace("Z", "+00:00"))
        return cls(result["attempt_id"], participant_id, unit_id, category, result["correct"], result["prediction"],
                   result["duration_ms"], int(submitted.timestamp() * 1000))


@dataclass
class View:
    name: str
    expected: int
    found: int
    lost: int
    doubled: int


@dataclass
class Report:
    tried: int = 0
    accepted: int = 0
    refused: Counter = field(default_factory=Counter)
    retries: Counter = field(default_factory=Counter)
    views: list[View] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kills: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return max((v.lost for v in self.views), default=0)

    @property
    def doubled(self) -> int:
        return max((v.doubled for v in self.views), default=0)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.doubled or self.problems or self.refused) and self.views != []

    def count(self, name: str, expected: Counter, found: Counter) -> None:
        """One view: per key, fewer than expected is lost, more is doubled."""
        keys = set(expected) | set(found)
        self.views.append(View(name, sum(expected.values()), sum(found.values()),
                               sum(max(0, expected[k] - found[k]) for k in keys),
                               sum(max(0, found[k] - expected[k]) for k in keys)))

    def summary(self) -> str:
        lines = [f"kills: {len(self.kills)}"] + [f"  {k}" for k in self.kills]
        lines.append(f"{'view':<28}{'expected':>9}{'found':>8}{'lost':>6}{'doubled':>9}")
        lines += [f"{v.name:<28}{v.expected:>9}{v.found:>8}{v.lost:>6}{v.doubled:>9}" for v in self.views]
        lines.append("retries: " + (", ".join(f"{k} {n}" for k, n in sorted(self.retries.items())) or "none"))
        if self.refused:
            lines.append("refused: " + ", ".join(f"{k} {n}" for k, n in sorted(self.refused.items())))
        lines += [f"PROBLEM: {p}" for p in self.problems]
        lines.append(f"tried {self.tried}, accepted {self.accepted}, lost {self.lost}, doubled {self.doubled}"
                     f" ({self.seconds:.0f} s)")
        return "\n".join(lines)


def final_order(accepted: list[Accepted], truth: int) -> list[Accepted]:
    """RULES.md: each participant's best attempt, best first (more correct, closer prediction, shorter,
    earlier, smaller attempt id)."""
    def key(a: Accepted):
        return (-a.correct, abs(a.prediction - truth), a.duration_ms, a.submitted_at, a.attempt_id)

    best: dict[str, Accepted] = {}
    for a in accepted:
        if a.participant_id not in best or key(a) < key(best[a.participant_id]):
            best[a.participant_id] = a
    return sorted(best.values(), key=key)


def _rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(body: bytes) -> int:
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return sum(1 for _ in sheet.iter_rows()) - 1


def _eventually(read, want, timeout: float = 60):
    """Reads until `read()` equals `want` or the time is up; returns the last value read."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if value == want or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def _results(client, admin: str, round_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.call("GET", f"/api/admin/rounds/{round_id}/results", token=admin)[1]
        if body["status"] == "ready" or time.monotonic() > deadline:
            return body
        time.sleep(0.5)


def _download(files: list[dict]) -> dict[str, bytes]:
    import requests

    bodies = {}
    for f in files:
        reply = requests.get(f["url"], timeout=30)
        bodies[f"{f['name']}.{f['format']}"] = reply.content if reply.status_code == 200 else b""
    return bodies


def compare(client, launcher, admin: str, round_id: str, tally, say) -> Report:
    report = Report(tried=tally.tried, accepted=len(tally.accepted), refused=tally.refused, retries=tally.retries)
    accepted = list(tally.accepted.values())
    status, reply = client.call("POST", f"/api/admin/rounds/{round_id}/close", token=admin)
    assert status == 202, reply
    results = _results(client, admin, round_id)
    if results["status"] != "ready":
        report.problems.append(f"results not ready: {results}")
        return report
    say(f"  round closed and finalized; checking {len(accepted)} accepted submissions")
    files = _download(results["files"])
    _check_views(report, client, round_id, accepted, tally, results, files)

    # With the results ready, everything is killed once more: the files are all still there afterwards.
    launcher.kill("everything")
    launcher.start()
    again = _results(client, admin, round_id, timeout=30)
    after = _download(again["files"]) if again["status"] == "ready" else {}
    if after != files:
        report.problems.append("result files differ after a kill with the results ready: "
                               f"{sorted(n for n in files if after.get(n) != files[n])}")
    else:
        say(f"  killed everything with the results ready: all {len(after)} files read back the same")
    return report


def _check_views(report: Report, client, round_id: str, accepted: list[Accepted], tally, results: dict,
                 files: dict[str, bytes]) -> None:
    by_attempt = {a.attempt_id: a for a in accepted}
    expected_attempts = Counter(by_attempt.keys())
    truth = results["prediction_truth"]
    report.count("prediction truth", Counter(submissions=len(accepted)), Counter(submissions=truth or 0))

    stats = _eventually(lambda: _stats(client, round_id), (len(tally.registered), len(accepted)))
    report.count("stats: registered", Counter(registered=len(tally.registered)), Counter(registered=stats[0]))
    report.count("stats: round submissions", Counter(submissions=len(accepted)), Counter(submissions=stats[1]))

    leaves = Counter(a.unit_id for a in accepted)
    units = {u["unit_id"]: u for u in client.call("GET", f"/api/rounds/{round_id}/units")[1]["entries"]}
    report.count("unit table: submissions", leaves,
                 Counter({uid: u["submissions"] for uid, u in units.items() if u["submissions"] and uid != ROOT}))
    if units.get(ROOT, {}).get("submissions") != len(accepted):
        report.problems.append(f"the province counts {units.get(ROOT, {}).get('submissions')} submissions")
    people = defaultdict(set)
    for a in accepted:
        people[a.unit_id].add(a.participant_id)
    for uid, members in people.items():
        if units.get(uid, {}).get("participants") != len(members):
            report.problems.append(f"unit {uid}: {units.get(uid, {}).get('participants')} participants, "
                                   f"expected {len(members)}")

    ranking = final_order(accepted, truth or 0)
    rows = _rows(files.get("ranking.csv", b""))
    report.count("ranking.csv: participants", Counter(a.participant_id for a in ranking),
                 Counter(by_attempt[r[ATTEMPT_ID]].participant_id for r in rows if r[ATTEMPT_ID] in by_attempt))
    invented = [r[ATTEMPT_ID] for r in rows if r[ATTEMPT_ID] not in by_attempt]
    if invented:
        report.problems.append(f"ranking.csv names attempts never answered 200: {invented[:5]}")
    if [r[ATTEMPT_ID] for r in rows] != [a.attempt_id for a in ranking]:
        report.problems.append("ranking.csv is not the final ranking recomputed from the accepted submissions")

    board = client.call("GET", f"/api/rounds/{round_id}/leaderboard?limit=100")[1]
    top = [(e["participant_id"], e["correct"], e["duration_ms"]) for e in board["entries"]]
    want = [(a.participant_id, a.correct, a.duration_ms) for a in ranking[:100]]
    report.count("final leaderboard (top 100)", Counter(p for p, _, _ in want), Counter(p for p, _, _ in top))
    if not board["final"] or top != want:
        report.problems.append("the final leaderboard is not the top of the recomputed ranking")

    attempts = _rows(files.get("attempts.csv", b""))
    report.count("attempts.csv", expected_attempts, Counter(r[ATTEMPT_ID] for r in attempts))
    wrong = [r[ATTEMPT_ID] for r in attempts if r[ATTEMPT_ID] in by_attempt
             and int(r[CORRECT]) != by_attempt[r[ATTEMPT_ID]].correct]
    if wrong:
        report.problems.append(f"attempts.csv scores differ from the 200 answers: {wrong[:5]}")
    xlsx = _xlsx_rows(files["attempts.xlsx"]) if files.get("attempts.xlsx") else 0
    report.count("attempts.xlsx: rows", Counter(rows=len(accepted)), Counter(rows=xlsx))


def _stats(client, round_id: str) -> tuple[int, int]:
    stats = client.call("GET", "/api/stats")[1]
    entry = next((r for r in stats["rounds"] if r["round_id"] == round_id), {"submissions": 0})
    return stats["registered"], entry["submissions"]
