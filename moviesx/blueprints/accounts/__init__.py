"""Accounts: authentication, Google login and the caller's profile."""
