"""The facts of an entity state: their keys (field, ``contact.field``,
``list/slug``), their values, and which values nobody gave."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

NON_FACTS = frozenset({"slug", "name", "description", "sources", "position", "basis"})
"""Fields that are the entity's label and wording, not facts about it."""

NOT_STATED_VALUE = "not_stated"


def is_empty(value: Any) -> bool:
    """A value nobody gave: null, empty, ``not_stated`` or a blank contact."""
    if value is None or value == NOT_STATED_VALUE or value == "" or value == []:
        return True
    if isinstance(value, Mapping):
        return all(is_empty(v) for v in value.values())
    return False


@cache
def _fact_fields(schema: type[BaseModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(field, its sub-fields if it holds a contact-like model) per fact field."""
    found = []
    for name, info in schema.model_fields.items():
        if name in NON_FACTS:
            continue
        subs: tuple[str, ...] = ()
        for candidate in (info.annotation, *get_args(info.annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                subs = tuple(candidate.model_fields)
        found.append((name, subs))
    return tuple(found)


def facts(schema: type[BaseModel], state: Mapping[str, Any]) -> Iterator[tuple[str, Any, bool]]:
    """Every fact of a state (JSON form): (key, value, whether it is a list)."""
    for name, subs in _fact_fields(schema):
        value = state.get(name)
        yield name, value, isinstance(value, list)
        if subs and isinstance(value, Mapping):
            for sub in subs:
                yield f"{name}.{sub}", value.get(sub), False
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    yield f"{name}/{item}", item, False


def fact_value(state: Mapping[str, Any], key: str) -> Any:
    """The value a fact key names in a state; ``None`` if absent."""
    if "/" in key:
        name, slug = key.split("/", 1)
        values = state.get(name)
        return slug if isinstance(values, list) and slug in values else None
    if "." in key:
        name, sub = key.split(".", 1)
        parent = state.get(name)
        return parent.get(sub) if isinstance(parent, Mapping) else None
    return state.get(key)


def _top(key: str) -> str:
    return key.split("/", 1)[0].split(".", 1)[0]
