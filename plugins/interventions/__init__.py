"""The Urgent interventions plugin (see plugin.py)."""
