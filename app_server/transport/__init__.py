"""Transports move bytes; they know nothing of method names."""
