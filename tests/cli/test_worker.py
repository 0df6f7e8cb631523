"""`rq worker` needs Redis (API.md 10.1)."""

from __future__ import annotations


def test_worker_without_redis_exits_1(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rq", "worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output
