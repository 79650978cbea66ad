"""The draft as a register folder in ``seed_data/``'s format, plus its review
file: every fact's quotes with their offsets, basis, confidence and
``review: pending``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from app.drafting.model import Draft, Entity, Fact, Quote
from app.register import schemas as s
from app.register.basis import facts as schema_facts
from app.register.basis import is_empty

SCHEMAS: dict[str, type[BaseModel]] = {
    "services": s.ServiceIn,
    "data-subjects": s.DataSubjectIn,
    "data-categories": s.DataCategoryIn,
    "purposes": s.PurposeIn,
    "legislation": s.LegislationIn,
    "recipients": s.RecipientIn,
    "sharing": s.SharingIn,
    "retention-rules": s.RetentionRuleIn,
    "data-collections": s.DataCollectionIn,
    "rights": s.RightIn,
}
REVIEW_FILE = "draft-review.yaml"
LAWFUL_BASES_FILE = "lawful-bases.yaml"


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _entry(fact: Fact) -> dict[str, Any]:
    entry: dict[str, Any] = {"basis": fact.basis, "quotes": [q.text for q in fact.quotes]}
    if fact.reasoning:
        entry["reasoning"] = fact.reasoning
    if fact.exhaustive is not None:
        entry["exhaustive"] = fact.exhaustive
    return entry


def _sources(entity: Entity) -> list[dict[str, str]]:
    sources = [{"kind": "notice", "quote": q.text} for q in entity.quotes if q.text]
    sources += [
        {"kind": "reference", "reference": reference, "quote": quote}
        for reference, quote in entity.references
    ]
    return sources


def state_of(entity: Entity, schema: type[BaseModel]) -> dict[str, Any]:
    """The entry as written: fields, sources and the basis of every fact."""
    data: dict[str, Any] = {"slug": entity.slug, "name": entity.name[:500]}
    if entity.description:
        data["description"] = entity.description
    for field, value in entity.fields.items():
        is_slugs = isinstance(value, list) and all(isinstance(v, str) for v in value)
        data[field] = sorted(value) if is_slugs else value
    data["sources"] = _sources(entity)
    basis: dict[str, Any] = {}
    for fact_key, value, _is_list in schema_facts(schema, data):
        fact = entity.facts.get(fact_key)
        if is_empty(value):
            basis[fact_key] = {"basis": "not_stated", "quotes": []}
        elif fact is not None and fact.basis != "not_stated" and fact.quotes:
            basis[fact_key] = _entry(fact)
    data["basis"] = basis
    return data


def review_of(entity: Entity, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every fact of an entry, with offsets and confidence, pending review."""
    rows = []
    for fact_key, entry in data["basis"].items():
        fact = entity.facts.get(fact_key)
        quotes: list[Quote] = fact.quotes if fact else []
        rows.append(
            {
                "key": fact_key,
                "basis": entry["basis"],
                "confidence": round(fact.confidence if fact else entity.confidence, 2),
                "review": "pending",
                "quotes": [{"text": q.text, "start": q.start, "end": q.end} for q in quotes],
                **({"reasoning": entry["reasoning"]} if entry.get("reasoning") else {}),
            }
        )
    return rows


def validated(entity: Entity, schema: type[BaseModel]) -> tuple[dict[str, Any] | None, str | None]:
    data = state_of(entity, schema)
    try:
        schema.model_validate(data)
    except ValidationError as exc:
        return None, str(exc.errors()[0]["msg"])
    return data, None


def write(draft: Draft, out: Path, lawful_bases: Path) -> dict[str, int]:
    """Write ``out/<controller>/`` and ``out/lawful-bases.yaml``; the counts per file."""
    folder = out / draft.controller.slug
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(lawful_bases, out / LAWFUL_BASES_FILE)
    (folder / "notice.txt").write_text(draft.text, encoding="utf-8")
    review: dict[str, Any] = {"notice": "notice.txt", "entities": []}
    controller, error = validated(draft.controller, s.ControllerIn)
    if controller is None:
        raise ValueError(f"the controller drafted is not valid: {error}")
    (folder / "controller.yaml").write_text(_dump(controller), encoding="utf-8")
    review["entities"].append(_review_entry("controller", draft.controller, controller))
    counts = {"controller": 1}
    _drop_dangling(draft)
    for file, schema in SCHEMAS.items():
        entries = []
        for entity in draft.entities(file):
            data, error = validated(entity, schema)
            if data is None:
                review.setdefault("dropped", []).append(
                    {"file": file, "slug": entity.slug, "reason": error}
                )
                continue
            entries.append(data)
            review["entities"].append(_review_entry(file, entity, data))
        counts[file] = len(entries)
        (folder / f"{file}.yaml").write_text(_dump(entries), encoding="utf-8")
    (folder / REVIEW_FILE).write_text(_dump(review), encoding="utf-8")
    return counts


def _review_entry(file: str, entity: Entity, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": file,
        "slug": entity.slug,
        "name": entity.name,
        "confidence": round(entity.confidence, 2),
        "review": "pending",
        "quotes": [{"text": q.text, "start": q.start, "end": q.end} for q in entity.quotes],
        "facts": review_of(entity, data),
    }


def _drop_dangling(draft: Draft) -> None:
    """Links to entries that were not drafted are removed with their basis."""
    known = {file: {e.slug for e in draft.entities(file)} for file in SCHEMAS}
    targets = {
        "data_categories": "data-categories",
        "purposes": "purposes",
        "legislation": "legislation",
        "data_subjects": "data-subjects",
        "services": "services",
    }
    for file in SCHEMAS:
        for entity in draft.entities(file):
            for field, target in targets.items():
                value = entity.fields.get(field)
                if isinstance(value, list):
                    kept = [v for v in value if v in known[target]]
                    for gone in set(value) - set(kept):
                        entity.facts.pop(f"{field}/{gone}", None)
                    entity.fields[field] = kept
