"""Alembic migrations: the models in bot/models.py are the schema; these scripts bring any
database made by an earlier release to it (see bot/schema.py for how they are run)."""
