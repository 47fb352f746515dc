"""Importable helpers for tests (job functions a separate rq worker process must be able to import)."""
