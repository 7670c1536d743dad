"""The one config loader and editor.

Import from the submodules; this package's import stays cheap (no pydantic) so start-up does
not pay for the typed view until a config is actually loaded.
"""
