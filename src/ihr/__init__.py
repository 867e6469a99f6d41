"""iran-hamas-relations: validate, build and query a source-attributed dataset.

Heavy libraries (duckdb, polars, frictionless, pandera) are imported inside functions, so that
`import ihr` and `ihr --help` stay fast.
"""

__version__ = "0.1.0"
