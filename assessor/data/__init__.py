"""The database: models, engine settings and migrations (SQLAlchemy only)."""
