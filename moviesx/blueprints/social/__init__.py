"""Social: users and friends, ratings and unseen marks, reviews, comments and reactions."""
