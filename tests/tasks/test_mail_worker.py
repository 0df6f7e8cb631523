"""The queue path end to end: signup enqueues on Redis, a real `rq worker` process sends the mail over SMTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from tests.conftest import TEST_SECRET
from tests.support.smtp import SmtpServer, code_in, free_port

ROOT = Path(__file__).resolve().parents[2]
SIGNUP = {
    "username": "queued",
    "email": "queued@example.com",
    "first_name": "Q",
    "last_name": "Ueued",
    "password": "long-enough-for-the-queue",
}


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


def run_worker(app, tmp_path: Path, mail_port: int) -> subprocess.CompletedProcess:
    """`flask --app wsgi rq worker --burst` in its own process, configured only through the environment."""
    from moviesx.extensions import db

    db.session.remove()
    db.engine.dispose()
    env = {
        **os.environ,
        "MOVIESX_ENV": "testing",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "SECRET_KEY": TEST_SECRET,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "MAIL_USE_TLS": "true",
        "MEDIA_ROOT": str(tmp_path / "worker-media"),
        "LOG_LEVEL": "WARNING",
    }
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run(
        [str(flask), "--app", "wsgi", "rq", "worker", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_signup_mail_goes_through_redis_and_a_worker_process_with_retries(redis_app_config, smtp, app, client, tmp_path):
    """A job enqueued by signup fails while SMTP is down, keeps its code, and is delivered by a later worker run."""
    from moviesx.services.jobs import redis_connection

    response = client.post("/api/auth/signup/", json=SIGNUP)
    assert response.status_code == 200
    assert smtp.messages == []  # nothing is sent inline when REDIS_URL is set
    connection = redis_connection()
    [job] = Queue("default", connection=connection).get_jobs()
    assert job.func_name == "moviesx.tasks.accounts.send_verification_email"
    assert job.retries_left == 3

    # The SMTP server is unreachable: the job raises inside the worker and is scheduled for a retry.
    result = run_worker(app, tmp_path, free_port())
    assert result.returncode == 0, result.stderr
    job = Job.fetch(job.id, connection=connection)
    assert job.retries_left == 2
    scheduled = ScheduledJobRegistry("default", connection=connection)
    assert job.id in scheduled.get_job_ids()
    code = job.args[3]
    assert len(code) == 6 and code.isdigit()

    # The retry is due (we do not wait its 10 s): the next worker run delivers the same code.
    scheduled.remove(job)
    Queue("default", connection=connection).enqueue_job(job)
    result = run_worker(app, tmp_path, smtp.port)
    assert result.returncode == 0, result.stderr
    [message] = smtp.messages
    assert message["To"] == "queued@example.com"
    assert message["Subject"] == "Verification of MoviesX account for queued"
    assert code_in(message) == code
    assert FailedJobRegistry("default", connection=connection).get_job_ids() == []

    access = response.get_json()["access"]
    verified = client.post("/api/auth/verify/", headers={"Authorization": f"Bearer {access}"}, json={"verification_code": code})
    assert verified.get_json() == {"status": True}
