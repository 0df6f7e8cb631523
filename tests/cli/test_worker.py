"""`rq worker` needs Redis (API.md 10.1); a killed worker leaves no process and no lock behind (hardening item 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue

from tests.conftest import TEST_SECRET
from tests.support.backends import redis_url
from tests.support.jobs import touch
from tests.support.processes import ROOT, children_of, flask_command, is_alive, project_env, wait_until

LOCK_KEY = "rq:scheduler-lock:default"


def test_worker_without_redis_exits_1(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rq", "worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


@pytest.fixture
def redis_jobs():
    url = redis_url()
    connection = Redis.from_url(url)
    connection.flushdb()
    yield url, Queue("default", connection=connection)
    connection.close()


@pytest.fixture
def start_worker(tmp_path):
    """`flask --app wsgi rq worker` as a real process; every one still running is killed at the end."""
    started: list[subprocess.Popen] = []

    def start(url: str) -> subprocess.Popen:
        env = project_env(
            MOVIESX_ENV="testing",
            SECRET_KEY=TEST_SECRET,
            DATABASE_URL=f"sqlite:///{tmp_path / 'worker.db'}",
            REDIS_URL=url,
            RATELIMIT_STORAGE_URI="memory://",
            MEDIA_ROOT=str(tmp_path / "media"),
        )
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 - the process writes to it
        process = subprocess.Popen(flask_command("rq", "worker"), cwd=ROOT, env=env, stdout=log, stderr=log)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            leftovers = children_of(process.pid)
            process.kill()
            process.wait()
            for pid in leftovers:
                os.kill(pid, signal.SIGKILL)


def run_job(queue: Queue, path) -> bool:
    queue.enqueue(touch, str(path))
    return wait_until(path.exists, timeout=60)


def test_a_sigkilled_worker_leaves_no_process_and_the_next_worker_runs_jobs_at_once(redis_jobs, start_worker, tmp_path):
    url, queue = redis_jobs
    first = start_worker(url)
    assert run_job(queue, tmp_path / "warm"), "the first worker never ran a job"
    assert wait_until(lambda: queue.connection.get(LOCK_KEY), timeout=10), "the first worker's scheduler took no lock"
    started = children_of(first.pid)

    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = time.monotonic()
    wait_until(lambda: not any(map(is_alive, started)), timeout=3)
    orphans = [pid for pid in started if is_alive(pid)]
    for pid in orphans:  # not left running when the assertion fails
        os.kill(pid, signal.SIGKILL)
    assert orphans == [], "processes started by the killed worker were still running"

    # A job enqueued now must not be swallowed by a connection the dead worker left blocked in BLMOVE, and a delayed
    # job (as a retry is) needs the scheduler lock, which the dead worker's scheduler must not keep.
    queue.enqueue(touch, str(tmp_path / "plain"))
    queue.enqueue_in(timedelta(seconds=1), touch, str(tmp_path / "delayed"))
    start_worker(url)
    assert wait_until((tmp_path / "plain").exists, timeout=30), "the job enqueued after the kill was not run"
    assert wait_until((tmp_path / "delayed").exists, timeout=30), "the delayed job was not run within 30 s"
    assert time.monotonic() - killed_at < 30


def test_sigterm_stops_the_worker_and_frees_the_scheduler_lock(redis_jobs, start_worker, tmp_path):
    url, queue = redis_jobs
    process = start_worker(url)
    assert run_job(queue, tmp_path / "warm")
    assert wait_until(lambda: queue.connection.get(LOCK_KEY), timeout=10)
    assert children_of(process.pid) == []

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert queue.connection.get(LOCK_KEY) is None
