"""The write path emits the metrics the dashboard plots: registrations, starts, accepted and refused submissions
by reason (EMF lines on stdout, which CloudWatch turns into metrics)."""
from tests.support import emitted_metrics


def test_write_path_metrics(api, contest, clock, capsys):
    contest.open_round(grace_seconds=0)
    token, _ = contest.register()
    attempt = contest.start(token)
    contest.submit(token, attempt, right=1)
    contest.submit(token, attempt, right=2)                                          # a different body
    api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": {"nope": "x"}, "prediction": 1}, token=token)
    late = contest.start(token)
    clock.advance(601 * 1000)                                                        # past the time limit
    contest.submit(token, late, right=1)
    metrics = emitted_metrics(capsys.readouterr().out)
    assert ("Registrations", {}) in metrics
    assert metrics.count(("AttemptsStarted", {})) == 2
    assert metrics.count(("SubmissionsAccepted", {})) == 1
    refused = sorted(d["reason"] for name, d in metrics if name == "SubmissionsRefused")
    assert refused == ["already_submitted", "deadline_passed", "invalid"]
