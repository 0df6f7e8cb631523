"""gunicorn.conf.py under a real gunicorn: forwarding headers are trusted only as TRUST_PROXY says (API.md 1.4)."""

from __future__ import annotations

import json

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
