"""Store: SQLAlchemy models with Synoptux table and column names, engine and schema."""
