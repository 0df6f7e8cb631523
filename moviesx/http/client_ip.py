"""The client address used for rate limits (after ProxyFix applied TRUST_PROXY)."""

from flask import request


def client_ip() -> str:
    return request.remote_addr or "unknown"
