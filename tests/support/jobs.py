"""Jobs for tests that run a real RQ worker: each leaves a trace that the test waits for."""

from __future__ import annotations

from pathlib import Path


def touch(path: str) -> None:
    Path(path).touch()
