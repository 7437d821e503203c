"""Applications for the four roles, recommendations, MOUs and tiered review. Models arrive with their issue."""
