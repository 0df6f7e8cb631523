"""Domain events. Services send them after their commit; the app factory connects the side effects that follow them,
so that a write does not need to know what else it sets off (warm-ups, counters).

Each is sent by the current app (`current_app._get_current_object()`) with the keyword arguments named below.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

rating_changed = _signals.signal("rating-changed")
"""A rating was created or changed and committed: `user_id` (the rater's)."""

ratings_changed = _signals.signal("ratings-changed")
"""Many ratings of one user were created or changed at once (an import) and committed: `user_id` and `count`."""

unseen_changed = _signals.signal("unseen-changed")
"""A movie was marked or unmarked as unseen and committed: `user_id`."""
