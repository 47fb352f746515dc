"""The Advocacy plugin (see plugin.py)."""
