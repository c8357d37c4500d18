"""The chaos run of `make chaos` (bench/chaos.py), small: the local stack itself (`python -m local.run`) killed
with SIGKILL once in the middle of a burst of a few hundred submissions and restarted, then once more with the
results ready. Every submission answered 200 is in the stats, the unit table, the final leaderboard and the
result files, exactly once."""
from bench.chaos import Plan, run


def test_a_kill_during_a_burst_loses_nothing_and_doubles_nothing():
    printed = []
    report = run(Plan(participants=50, attempts_each=5, clients=16, kills=1, time_budget=150), say=printed.append)
    summary = "\n".join(printed)
    assert len(report.kills) == 1, summary
    assert report.tried == 250 and report.accepted == 250, summary
    assert report.lost == 0 and report.doubled == 0, summary
    assert not report.problems and not report.refused, summary
    assert {v.name for v in report.views} >= {"stats: round submissions", "unit table: submissions",
                                              "final leaderboard (top 100)", "ranking.csv: participants",
                                              "attempts.csv", "attempts.xlsx: rows"}, summary
    assert all(v.expected == v.found for v in report.views), summary
    assert "all 8 files read back the same" in summary
