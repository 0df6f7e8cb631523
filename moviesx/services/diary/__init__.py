"""The diary domain (API.md 14, 15): the watchlist, dated watches and their year-in-review stats."""
