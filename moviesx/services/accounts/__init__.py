"""Accounts: signup, codes, login, tokens, passwords, Google, account emails."""
