"""WSGI entry point: `gunicorn wsgi:app` and `flask --app wsgi ...`."""
from moviesx import create_app
from moviesx.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # A setting the operator must fix: its one-line message on stderr and exit code 1, not a traceback (API.md 10, 11).
    # gunicorn loads this module in its master (preload_app), so the server stops there too instead of looping on
    # workers that cannot boot.
    raise SystemExit(str(exc)) from None
