"""gunicorn.conf.py under a real gunicorn: forwarding headers are trusted only as TRUST_PROXY says (API.md 1.4),
GET /metrics sums the values of every worker process (API.md 21), and a burst of connections is spread over the
workers."""

from __future__ import annotations

import http.client
import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.support.gunicorn import get, running_gunicorn

FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-Ssl": "on",
}
# Gunicorn maps this header into the WSGI environment when it trusts the peer: every URL would start with /evil.
PREFIX = {"SCRIPT_NAME": "/evil"}


def test_forwarding_headers_are_ignored_without_trust_proxy(tmp_path):
    with running_gunicorn(tmp_path, TRUST_PROXY="0") as port:
        responses = [get(port, "/", FORWARDED), get(port, "/", PREFIX)]
    for response in responses:
        assert response.status == 200
        assert json.loads(response.body) == {
            "name": "MoviesX API",
            "docs": f"http://127.0.0.1:{port}/api/docs/",
            "schema": f"http://127.0.0.1:{port}/api/schema/",
        }


def test_one_trusted_hop_gives_the_forwarded_scheme_and_host(tmp_path):
    with running_gunicorn(tmp_path, TRUST_PROXY="1") as port:
        forwarded = get(port, "/", FORWARDED)
        prefixed = get(port, "/", PREFIX)
        direct = get(port, "/")
    assert json.loads(forwarded.body)["docs"] == "https://evil.example:8443/api/docs/"
    assert json.loads(prefixed.body)["docs"] == f"http://127.0.0.1:{port}/api/docs/"
    assert json.loads(direct.body)["docs"] == f"http://127.0.0.1:{port}/api/docs/"


HEALTHZ = ("moviesx_http_requests_total", {"method": "GET", "route": "/healthz", "status": "200"})


def _value(families, name: str, labels: dict[str, str]) -> float:
    return sum(
        sample.value for family in families for sample in family.samples if sample.name == name and sample.labels == labels
    )


def test_metrics_sum_the_requests_of_every_worker(tmp_path):
    metrics_dir = tmp_path / "metrics"
    auth = {"Authorization": "Bearer scrape-me"}
    sent = 0
    # One connection at a time per worker: otherwise the first worker to wake up may accept them all.
    server = running_gunicorn(
        tmp_path,
        workers=2,
        args=("--worker-connections", "1"),
        METRICS_TOKEN="scrape-me",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    with server as port:
        sent += 1  # the start-up probe
        per_worker: list[float] = []
        with ThreadPoolExecutor(8) as pool:
            for _ in range(10):  # which worker accepts is still the kernel's choice: go on until both served
                assert {r.status for r in pool.map(lambda _: get(port, "/healthz"), range(40))} == {200}
                sent += 40
                files = sorted(metrics_dir.glob("counter_*.db"))
                per_worker = [_value(MultiProcessCollector.merge([str(f)]), *HEALTHZ) for f in files]
                if sum(1 for count in per_worker if count) >= 2:
                    break
        assert sum(1 for count in per_worker if count) >= 2, per_worker
        scrape = get(port, "/metrics", auth)
    assert scrape.status == 200
    assert scrape.getheader("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
    families = list(text_string_to_metric_families(scrape.body.decode()))
    assert _value(families, *HEALTHZ) == sent == sum(per_worker)


def _healthz_per_worker(metrics_dir) -> dict[str, float]:
    return {path.name: _value(MultiProcessCollector.merge([str(path)]), *HEALTHZ) for path in metrics_dir.glob("counter_*.db")}


def test_a_burst_of_keep_alive_connections_is_spread_over_the_workers(tmp_path):
    """Each worker takes at most four times its threads: 8 connections opened at once reach 2 workers of 1 thread 4
    and 4, where one worker used to accept them all and serve them on one core."""
    metrics_dir = tmp_path / "metrics"
    server = running_gunicorn(tmp_path, workers=2, GUNICORN_THREADS="1", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    with server as port:
        before = _healthz_per_worker(metrics_dir)
        connections = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(8)]
        try:
            time.sleep(0.5)  # every connection is accepted (or waits in the backlog) before any request
            for connection in connections:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            for connection in connections:
                response = http.client.HTTPResponse(connection)
                response.begin()
                response.read()
                assert response.status == 200
        finally:
            for connection in connections:
                connection.close()
        after = _healthz_per_worker(metrics_dir)
    served = sorted(count for name in after if (count := after[name] - before.get(name, 0)))
    assert served == [4, 4]
