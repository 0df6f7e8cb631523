"""Marshmallow schemas per domain: input (load) and output (dump) shapes."""
