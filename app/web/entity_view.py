"""One entry's own page: its fields in words, generated from the entity
declarations (so a new field shows up without a template change), what
refers to it, and where the notice says it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app.errors import NotFound
from app.register import entities as e
from app.register.basis import NON_FACTS
from app.web import words
from app.web.register_view import SECTION_OF, Arrangement, RegisterView, State

SKIPPED = NON_FACTS | {"conditions"}
"""Not shown as fields: the entry's label and wording (heading, lead and
quotes), its conditions (shown with the arrangement) and its basis (shown
as readings beside each value)."""
LABELS = {
    "gdpr_article": "UK GDPR article",
    "dpv_term": "W3C Data Privacy Vocabulary term",
    "legislation_gov_uk_id": "legislation.gov.uk identifier",
    "article9_condition": "Article 9 condition",
    "special_category": "Special category data",
    "mandatory": "Required by law",
    "applies_from_age": "Applies from age",
    "applies_until_age": "Applies up to and including age",
    "part_of": "Part of",
    "group": "Part of",
    "cited_as": "Cited as",
    "owner": "Owned by",
    "providers": "Provided by",
    "contract_reference": "Contract reference",
    "role": "Role",
    "kind": "Kind",
    "data_categories": "Data",
    "data_subjects": "About whom",
}
ENUM_WORDS: dict[str, dict[str, str]] = {
    "role": words.ROLES,
    "frequency": words.FREQUENCIES,
    "consent": words.CONSENT,
}


@dataclass(frozen=True)
class Field:
    label: str
    text: str | None = None
    links: list[tuple[str, State]] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)
    not_stated: bool = False
    key: str = ""
    """The fact key: its basis is ``state.basis[key]``, a link's ``key/slug``."""


@dataclass(frozen=True)
class EntityPage:
    name: str
    label: str
    state: State
    fields: list[Field]
    arrangements: list[Arrangement]
    parts: list[tuple[str, State]]


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _value(name: str, value: Any) -> Field:
    label = _label(name)
    if value is None or value == [] or value == "not_stated":
        return Field(label, not_stated=True)
    if isinstance(value, bool):
        return Field(label, text="Yes" if value else "No")
    if name == "duration":
        return Field(label, text=words.duration(value))
    if name in ENUM_WORDS:
        return Field(label, text=ENUM_WORDS[name].get(value, value))
    if name == "legislation_gov_uk_id":
        return Field(label, urls=[(value, f"https://www.legislation.gov.uk/{value}")])
    if name == "website":
        return Field(label, urls=[(str(value), str(value))])
    if name == "links":
        return Field(label, urls=[(link["title"], str(link["url"])) for link in value])
    if isinstance(value, str):
        return Field(label, text=value.replace("_", " ") if name == "kind" else value)
    return Field(label, text=str(value))


def entity_page(register: RegisterView, name: str, slug: str) -> EntityPage:
    entity_type = e.BY_NAME.get(name)
    key = SECTION_OF.get(name)
    if entity_type is None or key is None:
        raise NotFound(f"The register has no section {name!r}.")
    state = register.get(key, slug)
    if state is None:
        raise NotFound(f"No {entity_type.label} {slug!r} in this register.")
    refs = {r.field: r.target for r in entity_type.shape.all_refs()}
    fields = []
    for field_name in entity_type.schema.model_fields:
        if field_name in SKIPPED:
            continue
        value = state.get(field_name)
        target = refs.get(field_name)
        if target is not None and value:
            slugs = value if isinstance(value, list) else [value]
            linked = register.resolve(SECTION_OF[target], slugs)
            fields.append(
                Field(_label(field_name), links=[(target, s) for s in linked], key=field_name)
            )
        else:
            fields.append(replace(_value(field_name, value), key=field_name))
    parts: list[tuple[str, State]] = []
    if name == "data-categories":
        parts = [("data-categories", s) for s in register.section(key) if s.get("group") == slug]
    elif name == "legislation":
        parts = [("legislation", s) for s in register.section(key) if s.get("part_of") == slug]
    elif name == "recipients":
        parts = [
            ("data-collections", s)
            for s in register.section("data_collections")
            if s.get("owner") == slug
        ]
    arrangements = (
        [a for a in register.arrangements if a.slug == slug]
        if name == "sharing"
        else register.referenced_by(name, slug)
    )
    return EntityPage(name, entity_type.label, state, fields, arrangements, parts)
