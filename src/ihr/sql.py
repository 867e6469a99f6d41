"""Quoting for generated SQL: every identifier and literal the checks build goes through here."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """A DuckDB identifier, double-quoted (a column may be named anything a Table Schema allows)."""
    return '"' + name.replace('"', '""') + '"'


def sql_string(value: object) -> str:
    """A DuckDB string literal."""
    return "'" + str(value).replace("'", "''") + "'"
