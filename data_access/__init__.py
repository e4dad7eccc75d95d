"""Data access: models, the engine, query functions, imports and exports. All SQL lives here."""
