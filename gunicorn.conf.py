"""Gunicorn settings; every value can be overridden on the command line or with GUNICORN_* variables."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One gthread process per core with 4 threads each: on the feed benchmark (bench/README.md) this gave the steadiest
# tail latency; more processes than cores (the sync-worker rule of thumb, 2 x cores + 1) doubled p99.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# 0 = no limit: gunicorn's maximum otherwise is 8,190 bytes, and a request within the query caps of API.md 3.2b (50 values
# of 200 characters per array, six arrays on /api/movies/searching/, percent-encoded) runs to hundreds of KB; over the
# limit gunicorn answers an HTML 414. The bound is the reverse proxy's (README: Running in production).
limit_request_line = 0
# The app is loaded in the master: a configuration error stops gunicorn with its one-line message and exit code 1
# instead of a traceback per worker and exit code 3. Code changes need a restart (HUP re-forks the loaded app).
preload_app = True
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
