"""Social: friends, ratings, reviews, comments, reactions and their translations."""
