"""This dataset's own rules: what the Iran-Hamas data needs beyond any Data Package's checks.

The validator around them (`ihr.read`, `ihr.checks`, `ihr.constraints`, `ihr.validate`) names no
table of this dataset; a test keeps it so. The rules here do: each is registered like any other
(`@rule` for rules across rows and tables, `RowRule` for rules over one row's columns) and runs
only when a package lists its code in `ihr:rules` and has its tables. To add one: a registered
function in the module of its subject, its code in `ihr:rules`, one broken fixture
(`tests/fixtures/make_broken.py`).
"""

from ihr.dataset import claims, coherence, crosswalk, duplicates, hygiene, row_rules, sources  # noqa: F401
