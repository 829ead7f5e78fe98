"""Persistence: SQLAlchemy mappings, the plan file (engine, pragmas, migrations), units of work."""
