"""Models of this department arrive with their issues (see README)."""
