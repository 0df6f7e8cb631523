"""HTTP plumbing shared by every blueprint: bodies, query params, pagination, URLs, auth, errors."""
