"""Friends' activity (API.md 16): the merged, newest-first stream of what the caller's friends did.

Read-time merge, no activity table: each kind is one declared SELECT over the table that already holds its objects
(kinds.py), the kinds are merged by one UNION ALL statement in the order (time, id) descending, and a page's
users, movies, reviews and lists are then loaded in batches (stream.py). Every rule (current active friends only,
live objects, visible lists) is a criterion of that read, so a deletion or a friendship that ends shows at once,
with nothing to keep in step. The opaque cursor is the position of the last item (cursor.py).
"""
