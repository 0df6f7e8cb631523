"""Feed jobs: compute a user's feed ahead of their next visit."""

from __future__ import annotations

from moviesx.services.feed import cache
from moviesx.tasks import job


@job
def warm_feed(user_id: int, host_url: str) -> None:
    cache.warm(user_id, host_url)
