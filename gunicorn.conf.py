"""Gunicorn settings; every value can be overridden on the command line or with GUNICORN_* variables."""
import multiprocessing
import os
import tempfile
from contextlib import suppress
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One gthread process per core with 4 threads each: on the feed benchmark (bench/README.md) this gave the steadiest
# tail latency; more processes than cores (the sync-worker rule of thumb, 2 x cores + 1) doubled p99.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A gthread worker accepts every connection waiting while it is idle, and keeps the keep-alive ones it accepted: a burst
# of connections (a proxy filling its pool, a load test) landed on one worker, 32 of 32 in a bench run, which then
# served them all on one core while the others idled. At most four times its threads per worker spreads them over at
# least connections / (4 x threads) workers. Connections beyond every worker's cap wait in the kernel's backlog for
# a slot, which frees only when gunicorn closes a connection (it keeps at most `worker_connections - threads` idle
# keep-alive ones): so the cap must stay above the keep-alive clients a worker serves at once. At twice the threads,
# 34 connections on 2 workers (16 slots) left some waiting for up to a second (bench_feed foldin: p99 930 ms instead
# of 34 ms at four times).
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", 4 * threads))
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
# X-Forwarded-* are read by the app alone, through ProxyFix with TRUST_PROXY hops (API.md 1.4): gunicorn trusts no
# front end, whatever TRUST_PROXY says. It cannot count hops, and when it trusts a peer it sets the scheme from any
# X-Forwarded-Proto that peer relays (so at TRUST_PROXY=0 every loopback client could choose https) and maps
# SCRIPT_NAME/PATH_INFO headers into the environment. Unix-socket peers are always trusted, hence the empty header maps.
forwarded_allow_ips = ""
secure_scheme_headers = {}
forwarder_headers = ""

# prometheus_client's multiprocess mode: each worker writes its values to files in this directory and GET /metrics
# sums them. The variable must be set, and the directory exist and hold no earlier run's values, before the app is
# imported, which preload_app does in the master before any hook runs; by default one directory per master.
metrics_dir = Path(
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"moviesx-metrics-{os.getpid()}"))
)
metrics_dir.mkdir(parents=True, exist_ok=True)
for stale in metrics_dir.glob("*.db"):
    stale.unlink()


def child_exit(server, worker):
    """A dead worker's counters stay in the sum; its live gauges must not."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(metrics_dir))


def on_exit(server):
    """Leave no metric files behind (the directory goes too when nothing else is in it)."""
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()
    with suppress(OSError):
        metrics_dir.rmdir()
