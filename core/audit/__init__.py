"""The audit trail: who created, changed, deleted, exported, revealed or viewed sensitive records."""
