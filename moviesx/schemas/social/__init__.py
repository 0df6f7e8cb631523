"""Social: users, ratings, reviews, comments, reactions and friend requests."""
