"""Test support: database backends, factories, query counting, local stand-ins for outside services."""
