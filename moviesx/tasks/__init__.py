"""Background jobs (RQ): thin wrappers around services, plus the queue helper."""
