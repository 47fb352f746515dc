"""The Missions plugin (see plugin.py)."""
