"""Every entity records where each of its facts comes from: ``basis``.

A JSON map from fact key to its basis (stated, inferred, reference,
not_stated), holding every fact of the row. Existing rows are filled with
each fact's default basis (``app.register.basis``, frozen here as it was
when this migration was written: a migration must not change with the app's
code): an empty value is not stated, a classification rests on its
official reference, any other value on the row's own notice quotes. That is
exactly what the register said of them before.

Revision ID: 5e2a9c7d4b13
Revises: 3d8a5e1f7b62
Create Date: 2026-12-02
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "5e2a9c7d4b13"
down_revision: str | None = "3d8a5e1f7b62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "controllers",
    "lawful_bases",
    "services",
    "data_subjects",
    "data_categories",
    "purposes",
    "legislation",
    "recipients",
    "sharing_arrangements",
    "sharing_conditions",
    "retention_rules",
    "data_collections",
    "rights",
    "data_sources",
    "storage_locations",
    "statements",
)


CONTACT = ("name", "team", "email", "phone", "address", "url")
CLASSIFICATIONS = {
    "special_category": "UK GDPR Article 9(1)",
    "dpv_term": "W3C Data Privacy Vocabulary (DPV) 2.3",
    "legislation_gov_uk_id": "legislation.gov.uk",
}

# table -> its facts in schema order: (fact, kind, detail) where kind is
# "column", "contact" (a JSON contact), "ref" (foreign key column, target
# table), "list" (association table, owner column, target column, target
# table) or "children" (child table, its foreign key).
FACTS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "controllers": (
        *((n, "column", ()) for n in ("kind", "address", "country", "phone", "email")),
        *((n, "column", ()) for n in ("website", "notice_title", "notice_url")),
        ("dpo", "contact", ()),
        ("representative", "contact", ()),
        ("supervisory_authority", "contact", ()),
        ("security_measures", "column", ()),
        ("third_country_transfers", "column", ()),
        ("third_country_details", "column", ()),
    ),
    "lawful_bases": (
        ("article", "column", ()),
        ("reference", "column", ()),
        ("dpv_term", "column", ()),
    ),
    "services": (),
    "data_subjects": (("dpv_term", "column", ()),),
    "data_categories": (
        ("group", "ref", ("group_id", "data_categories")),
        ("special_category", "column", ()),
        ("article9_condition", "ref", ("article9_condition_id", "lawful_bases")),
        (
            "data_subjects",
            "list",
            ("data_category_subjects", "data_category_id", "data_subject_id", "data_subjects"),
        ),
        ("dpv_term", "column", ()),
    ),
    "purposes": (("kind", "column", ()), ("dpv_term", "column", ())),
    "legislation": (
        ("cited_as", "column", ()),
        ("kind", "column", ()),
        ("year", "column", ()),
        ("part_of", "ref", ("part_of_id", "legislation")),
        ("provision", "column", ()),
        ("legislation_gov_uk_id", "column", ()),
    ),
    "recipients": tuple(
        (n, "column", ()) for n in ("role", "kind", "contract_reference", "website")
    ),
    "sharing_arrangements": (
        ("recipient", "ref", ("recipient_id", "recipients")),
        *((n, "column", ()) for n in ("frequency", "consent")),
        *((n, "column", ()) for n in ("applies_from_age", "applies_until_age")),
        *(
            (name, "list", (f"sharing_{table}", "sharing_id", f"{target}_id", table))
            for name, table, target in (
                ("data_categories", "data_categories", "data_category"),
                ("data_subjects", "data_subjects", "data_subject"),
                ("purposes", "purposes", "purpose"),
                ("legislation", "legislation", "legislation"),
                ("lawful_bases", "lawful_bases", "lawful_basis"),
                ("services", "services", "service"),
            )
        ),
        ("conditions", "children", ("sharing_conditions", "sharing_id")),
    ),
    "sharing_conditions": (
        ("kind", "column", ()),
        ("from_age", "column", ()),
        ("until_age", "column", ()),
        ("exercised_by", "column", ()),
        (
            "restricted_to",
            "list",
            ("condition_data_categories", "condition_id", "data_category_id", "data_categories"),
        ),
        ("contact_email", "column", ()),
    ),
    "retention_rules": (
        ("duration", "column", ()),
        *(
            (name, "list", (f"retention_{name}", "retention_rule_id", f"{target}_id", name))
            for name, target in (
                ("data_categories", "data_category"),
                ("data_subjects", "data_subject"),
                ("legislation", "legislation"),
            )
        ),
    ),
    "data_collections": (
        ("abbreviation", "column", ()),
        ("owner", "ref", ("owner_id", "recipients")),
        ("links", "column", ()),
        *(
            (name, "list", (f"collection_{name}", "data_collection_id", f"{target}_id", name))
            for name, target in (
                ("legislation", "legislation"),
                ("purposes", "purpose"),
                ("data_subjects", "data_subject"),
            )
        ),
    ),
    "rights": (("gdpr_article", "column", ()), ("dpv_term", "column", ())),
    "data_sources": (
        ("mandatory", "column", ()),
        *(
            (name, "list", (table, "data_source_id", f"{target}_id", target_table))
            for name, table, target, target_table in (
                ("providers", "data_source_providers", "recipient", "recipients"),
                ("legislation", "data_source_legislation", "legislation", "legislation"),
                ("data_subjects", "data_source_subjects", "data_subject", "data_subjects"),
            )
        ),
    ),
    "storage_locations": (),
    "statements": (("kind", "column", ()),),
}


def _empty(value: Any) -> bool:
    if value is None or value in ("not_stated", "") or value == []:
        return True
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return False


def _entry(basis: str, quotes: list[str] | None = None, reference: str | None = None) -> dict:
    return {
        "basis": basis,
        "quotes": quotes or [],
        "reasoning": None,
        "reference": reference,
        "exhaustive": None,
    }


def _loaded(column: sa.Column[Any], value: Any) -> Any:
    """A JSON column's value: drivers without JSON support hand back its text."""
    if isinstance(value, str) and not isinstance(column.type, sa.String):
        return json.loads(value)
    return value


def _basis(sources: list[dict[str, Any]], facts: list[tuple[str, Any]]) -> dict[str, Any]:
    quotes = [s["quote"] for s in sources if s.get("kind") == "notice"]
    if quotes:
        given = _entry("stated", quotes)
    else:
        references = [s for s in sources if s.get("kind") == "reference"]
        names = "; ".join(dict.fromkeys(str(s.get("reference")) for s in references))
        given = _entry("reference", [s["quote"] for s in references], names or "unknown")
    result = {}
    for key, value in facts:
        top = key.split("/", 1)[0].split(".", 1)[0]
        if _empty(value):
            result[key] = _entry("not_stated")
        elif top in CLASSIFICATIONS:
            result[key] = _entry("reference", reference=CLASSIFICATIONS[top])
        else:
            result[key] = dict(given, quotes=list(given["quotes"]))
    return result


def _backfill(conn: sa.Connection, table_name: str) -> None:
    # An empty table (a new database) has nothing to fill: reflecting it and
    # the tables it refers to would cost a first run about half a second.
    if (
        conn.execute(sa.select(sa.literal(1)).select_from(sa.table(table_name)).limit(1)).first()
        is None
    ):
        return
    meta = sa.MetaData()
    table = sa.Table(table_name, meta, autoload_with=conn)
    specs = FACTS[table_name]
    slugs: dict[str, dict[int, str]] = {}

    def slug_map(target: str) -> dict[int, str]:
        if target not in slugs:
            other = sa.Table(target, meta, autoload_with=conn)
            slugs[target] = dict(conn.execute(sa.select(other.c.id, other.c.slug)).all())
        return slugs[target]

    links: dict[str, dict[int, list[str]]] = {}
    children: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for name, kind, detail in specs:
        if kind == "list":
            link_name, owner, target_col, target = detail
            link = sa.Table(link_name, meta, autoload_with=conn)
            names = slug_map(target)
            grouped: dict[int, list[str]] = {}
            for owner_id, target_id in conn.execute(sa.select(link.c[owner], link.c[target_col])):
                grouped.setdefault(owner_id, []).append(names[target_id])
            links[name] = {k: sorted(v) for k, v in grouped.items()}
        elif kind == "children":
            child_name, parent_fk = detail
            child = sa.Table(child_name, meta, autoload_with=conn)
            rows: dict[int, list[dict[str, Any]]] = {}
            for row in conn.execute(sa.select(child.c.id, child.c[parent_fk])):
                rows.setdefault(row[1], []).append({"id": row[0]})
            children[name] = rows
    updates = []
    for row in conn.execute(sa.select(table)).mappings():
        facts: list[tuple[str, Any]] = []
        for name, kind, detail in specs:
            if kind == "column":
                facts.append((name, _loaded(table.c[name], row[name])))
            elif kind == "contact":
                value = _loaded(table.c[name], row[name])
                facts.append((name, value))
                if isinstance(value, dict):
                    facts += [(f"{name}.{sub}", value.get(sub)) for sub in CONTACT]
            elif kind == "ref":
                fk, target = detail
                facts.append((name, None if row[fk] is None else slug_map(target)[row[fk]]))
            elif kind == "list":
                values = links[name].get(row["id"], [])
                facts.append((name, values))
                facts += [(f"{name}/{slug}", slug) for slug in values]
            else:
                facts.append((name, children[name].get(row["id"], [])))
        sources = _loaded(table.c.sources, row["sources"]) or []
        updates.append({"row_id": row["id"], "value": _basis(sources, facts)})
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(basis=sa.bindparam("value", type_=sa.JSON()))
    )
    for start in range(0, len(updates), 1_000):
        conn.execute(statement, updates[start : start + 1_000])


def upgrade() -> None:
    # Added in place on both databases (a batch rebuild on SQLite would drop
    # tables that other tables' foreign keys point at).
    for table in TABLES:
        op.add_column(
            table, sa.Column("basis", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    conn = op.get_bind()
    for table in TABLES:
        _backfill(conn, table)


def downgrade() -> None:
    # Both databases drop a column in place (SQLite since 3.35); a batch
    # rebuild would drop tables other tables' foreign keys point at.
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN basis")
