"""Values a process keeps for itself beside the shared cache, each stored with the stamp (tokens) it was read under.

The stamp is what makes a copy usable: a caller compares it with tokens read in the same request, and those tokens
are replaced after every commit that changes what the copy holds (`feed.invalidation`). The bound in count and
age only limits memory and the window left when a process dies between a commit and its invalidation.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from typing import Any

from cachetools import TTLCache
from flask import current_app


class LocalCopies:
    """Stamped copies by key, shared by the threads of a worker (gthread)."""

    def __init__(self, maxsize: int, seconds: float) -> None:
        self.lock = threading.Lock()
        self.entries: TTLCache = TTLCache(maxsize=maxsize, ttl=max(seconds, 1))

    def get(self, keys: Iterable[Hashable]) -> list:
        """The stored values of `keys` (None where there is none), as stored: with their stamps."""
        with self.lock:
            return [self.entries.get(key) for key in keys]

    def put(self, entries: dict[Hashable, Any]) -> None:
        with self.lock:
            self.entries.update(entries)


def local_copies(name: str, maxsize: int, seconds: float) -> LocalCopies:
    """The current app's copies called `name`, created on first use with these bounds."""
    extensions = current_app.extensions
    key = f"moviesx.local_copies.{name}"
    return extensions.get(key) or extensions.setdefault(key, LocalCopies(maxsize, seconds))
