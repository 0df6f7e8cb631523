"""Accounts: signup, verification, login, tokens and profile shapes."""
