"""Business logic that is more than CRUD; reachable from tests without HTTP."""
