"""The Material assistance plugin (see plugin.py)."""
