"""`recommender` commands (filled in by their domain)."""

commands: list = []
