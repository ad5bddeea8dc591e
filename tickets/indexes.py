"""Indexes whose PostgreSQL form needs django.contrib.postgres (a GIN trigram index, a
pattern operator class for LIKE 'prefix%' under a non-C collation). On any other
database (SQLite in development and tests) the same index is created as a plain B-tree
on `fallback`, so migrations run everywhere and the model state is the same."""
from django.contrib.postgres.indexes import GinIndex
from django.db import models


class _PostgresOrPlain:
    def __init__(self, *expressions, fallback, **kwargs):
        self.fallback = tuple(fallback)
        super().__init__(*expressions, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["fallback"] = self.fallback
        return path, args, kwargs

    def _plain(self):
        return models.Index(fields=list(self.fallback), name=self.name)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return self._plain().create_sql(model, schema_editor, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().remove_sql(model, schema_editor, **kwargs)
        return self._plain().remove_sql(model, schema_editor, **kwargs)


class TrigramIndex(_PostgresOrPlain, GinIndex):
    """GIN over gin_trgm_ops (pg_trgm): serves LIKE '%…%' and 'ab%' on PostgreSQL."""


class PatternIndex(_PostgresOrPlain, models.Index):
    """B-tree with a pattern operator class (varchar_pattern_ops): serves LIKE 'prefix%'."""
