"""Association tables between entity tables."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table

from app.db import Base


def link_table(name: str, left: str, right: str) -> Table:
    """An association table between two entity tables, both sides restricted:
    deleting a referenced entity must be refused, never silently cascaded."""
    left_col, right_col = f"{left}_id", f"{right}_id"
    left_table = _TABLE_OF[left]
    right_table = _TABLE_OF[right]
    return Table(
        name,
        Base.metadata,
        Column(
            left_col,
            ForeignKey(f"{left_table}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            right_col,
            ForeignKey(f"{right_table}.id", ondelete="RESTRICT"),
            primary_key=True,
            index=True,
        ),
    )


_TABLE_OF = {
    "sharing": "sharing_arrangements",
    "condition": "sharing_conditions",
    "data_category": "data_categories",
    "data_subject": "data_subjects",
    "purpose": "purposes",
    "legislation": "legislation",
    "lawful_basis": "lawful_bases",
    "service": "services",
    "retention_rule": "retention_rules",
    "data_collection": "data_collections",
    "data_source": "data_sources",
    "recipient": "recipients",
}
