"""Production start-up through wsgi.py (API.md 10, 11): a configuration error is one line on stderr and exit code 1,
for `flask --app wsgi ...` and for gunicorn (whose master loads the app, gunicorn.conf.py)."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.processes import BIN, ROOT, flask_command, project_env

POSTGRES = "postgresql+psycopg://moviesx@127.0.0.1:1/moviesx"  # never reached: start-up fails before

COMMANDS = {
    "flask db upgrade": flask_command("db", "upgrade"),
    "gunicorn": [str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "--no-control-socket", "wsgi:app"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"DATABASE_URL": POSTGRES}, "SECRET_KEY must be set in production"),
        ({"DATABASE_URL": POSTGRES, "SECRET_KEY": "k" * 31}, "SECRET_KEY must be at least 32 characters in production"),
        ({"SECRET_KEY": "k" * 32}, "DATABASE_URL must be set in production"),
    ],
)
def test_a_production_setting_error_is_one_line_and_exit_code_1(tmp_path, command, settings, message):
    env = project_env(MOVIESX_ENV="production", MEDIA_ROOT=str(tmp_path / "media"), GUNICORN_WORKERS="1", **settings)
    result = subprocess.run(COMMANDS[command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (1, message + "\n")
