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
limit_request_line = 8190
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
