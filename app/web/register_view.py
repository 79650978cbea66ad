"""The register of one controller, indexed for pages.

Everything a page shows comes from one ``Snapshot`` (now, ``as_of`` a moment,
or a published version), so a past notice, its diagram and its embed show
the same facts as the JSON document of that moment. Nothing here queries the
database: filtering and searching run over the snapshot's content, with the
same meaning as the API's ``/sharing`` filters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from app.errors import unknown_references
from app.register import entities as e
from app.register.trees import Tree
from app.snapshots.current import Snapshot
from app.web import words

State = dict[str, Any]

# URL segment of an entity type -> key of its section in the register content.
SECTION_OF = {t.name: t.name.replace("-", "_") for t in e.ALL_TYPES if t is not e.CONTROLLERS}


@dataclass(frozen=True)
class Condition:
    state: State
    restricted_to: list[State]

    @property
    def summary(self) -> str:
        return words.condition_summary(self.state, [c["name"] for c in self.restricted_to])

    def applies_at(self, age: int) -> bool:
        low, high = self.state.get("from_age"), self.state.get("until_age")
        return (low is None or low <= age) and (high is None or age < high)


@dataclass(frozen=True)
class Arrangement:
    """A sharing arrangement with the entities it links to, resolved."""

    state: State
    recipient: State
    data_categories: list[State]
    data_subjects: list[State]
    purposes: list[State]
    legislation: list[State]
    lawful_bases: list[State]
    services: list[State]
    conditions: list[Condition]

    @property
    def slug(self) -> str:
        slug: str = self.state["slug"]
        return slug

    @property
    def special_category(self) -> bool:
        return any(c.get("special_category") for c in self.data_categories)

    @property
    def ages(self) -> str | None:
        low, high = self.state.get("applies_from_age"), self.state.get("applies_until_age")
        if low is None and high is None:
            return None
        return words.age_window(low, high, inclusive_until=True)

    def applies_at(self, age: int) -> bool:
        low, high = self.state.get("applies_from_age"), self.state.get("applies_until_age")
        return (low is None or low <= age) and (high is None or age <= high)

    def text(self) -> str:
        """Everything a search may match, lower-cased."""
        parts = [self.state["name"], self.state.get("description") or "", self.recipient["name"]]
        for group in (
            self.data_categories,
            self.data_subjects,
            self.purposes,
            self.legislation,
            self.services,
        ):
            parts += [s["name"] for s in group]
        parts += [c.state["description"] for c in self.conditions]
        return " ".join(parts).lower()


@dataclass(frozen=True)
class RecipientGroup:
    """One recipient and every arrangement with it, in notice order."""

    recipient: State
    arrangements: list[Arrangement]

    @property
    def processor(self) -> bool:
        return bool(self.recipient.get("role") == "processor")


@dataclass
class Filters:
    """What a reader narrowed the sharing list to. Several values of one
    filter are ORed, different filters ANDed (as in the API)."""

    q: str = ""
    data_subject: list[str] = field(default_factory=list)
    data_category: list[str] = field(default_factory=list)
    recipient: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(
            self.q or self.data_subject or self.data_category or self.recipient or self.service
        )


class RegisterView:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.content = snapshot.content
        self.controller: State = snapshot.content["controller"]
        self.by_slug: dict[str, dict[str, State]] = {
            key: {s["slug"]: s for s in self.content.get(key, [])} for key in SECTION_OF.values()
        }

    # --- lookups ---------------------------------------------------------------

    def section(self, key: str) -> list[State]:
        states: list[State] = self.content.get(key, [])
        return states

    def get(self, key: str, slug: str | None) -> State | None:
        if slug is None:
            return None
        return self.by_slug[key].get(slug)

    def resolve(self, key: str, slugs: Iterable[str]) -> list[State]:
        """States of the referenced entities, in notice order."""
        index = self.by_slug[key]
        found = [index[s] for s in slugs if s in index]
        return sorted(found, key=lambda s: (s["position"], s["slug"]))

    # --- sharing ---------------------------------------------------------------

    @cached_property
    def arrangements(self) -> list[Arrangement]:
        result = []
        for state in self.section("sharing"):
            conditions = [
                Condition(c, self.resolve("data_categories", c.get("restricted_to", [])))
                for c in state.get("conditions", [])
            ]
            recipient = self.get("recipients", state["recipient"]) or {
                "slug": state["recipient"],
                "name": state["recipient"],
                "role": "not_stated",
            }
            result.append(
                Arrangement(
                    state=state,
                    recipient=recipient,
                    data_categories=self.resolve("data_categories", state["data_categories"]),
                    data_subjects=self.resolve("data_subjects", state["data_subjects"]),
                    purposes=self.resolve("purposes", state["purposes"]),
                    legislation=self.resolve("legislation", state["legislation"]),
                    lawful_bases=self.resolve("lawful_bases", state["lawful_bases"]),
                    services=self.resolve("services", state["services"]),
                    conditions=conditions,
                )
            )
        return result

    def group_by_recipient(self, arrangements: Iterable[Arrangement]) -> list[RecipientGroup]:
        groups: dict[str, list[Arrangement]] = {}
        for arrangement in arrangements:
            groups.setdefault(arrangement.recipient["slug"], []).append(arrangement)
        order = {slug: i for i, slug in enumerate(self.by_slug["recipients"])}
        slugs = sorted(groups, key=lambda s: (order.get(s, len(order)), s))
        return [RecipientGroup(self.by_slug["recipients"][s], groups[s]) for s in slugs]

    def _check_known(self, key: str, param: str, label: str, slugs: list[str]) -> None:
        unknown = [s for s in slugs if s not in self.by_slug[key]]
        if unknown:
            raise unknown_references(param, label, unknown)

    def category_family(self, slugs: Iterable[str]) -> set[str]:
        """The categories and their groups and items: sharing a group shares
        its items, sharing an item shares part of its group."""
        tree = Tree.of((c["slug"], c.get("group")) for c in self.section("data_categories"))
        return tree.related(slugs)

    def filter(self, filters: Filters) -> list[Arrangement]:
        self._check_known("data_subjects", "data_subject", "data subject", filters.data_subject)
        self._check_known(
            "data_categories", "data_category", "data category", filters.data_category
        )
        self._check_known("recipients", "recipient", "recipient", filters.recipient)
        self._check_known("services", "service", "service", filters.service)
        categories = self.category_family(filters.data_category)
        needle = filters.q.strip().lower()
        result = []
        for a in self.arrangements:
            if filters.recipient and a.recipient["slug"] not in filters.recipient:
                continue
            if filters.data_subject and not set(a.state["data_subjects"]) & set(
                filters.data_subject
            ):
                continue
            if filters.service and not set(a.state["services"]) & set(filters.service):
                continue
            if filters.data_category and not set(a.state["data_categories"]) & categories:
                continue
            if needle and needle not in a.text():
                continue
            result.append(a)
        return result

    def search(self, q: str) -> list[tuple[str, State]]:
        """Entries outside the sharing list whose name or text mention ``q``."""
        needle = q.strip().lower()
        if not needle:
            return []
        hits = []
        for name, key in SECTION_OF.items():
            if key in ("sharing", "lawful_bases"):
                continue
            for state in self.section(key):
                text = f"{state['name']} {state.get('description') or ''}".lower()
                if needle in text:
                    hits.append((name, state))
        return hits

    def referenced_by(self, name: str, slug: str) -> list[Arrangement]:
        """Arrangements that refer to an entity (directly, or for a data
        category through its group or items; for a law through its parts)."""
        if name == "recipients":
            return [a for a in self.arrangements if a.recipient["slug"] == slug]
        if name == "data-categories":
            family = self.category_family([slug])
            return [a for a in self.arrangements if set(a.state["data_categories"]) & family]
        if name == "legislation":
            parts = {slug} | {
                s["slug"] for s in self.section("legislation") if s.get("part_of") == slug
            }
            return [a for a in self.arrangements if set(a.state["legislation"]) & parts]
        field_name = SECTION_OF.get(name)
        if field_name is None:
            return []
        return [a for a in self.arrangements if slug in a.state.get(field_name, [])]

    # --- notice sections ---------------------------------------------------------

    def statements(self, *kinds: str) -> list[State]:
        return [s for s in self.section("statements") if s.get("kind") in kinds]

    def category_groups(self) -> list[tuple[State, list[State]]]:
        """Top-level data categories with their items, in notice order."""
        items: dict[str, list[State]] = defaultdict(list)
        for state in self.section("data_categories"):
            if state.get("group"):
                items[state["group"]].append(state)
        return [
            (s, items.get(s["slug"], []))
            for s in self.section("data_categories")
            if not s.get("group")
        ]

    def law_tree(self) -> list[tuple[State, list[State]]]:
        parts: dict[str, list[State]] = defaultdict(list)
        for state in self.section("legislation"):
            if state.get("part_of"):
                parts[state["part_of"]].append(state)
        return [
            (s, parts.get(s["slug"], []))
            for s in self.section("legislation")
            if not s.get("part_of")
        ]

    def purposes(self, *kinds: str) -> list[State]:
        return [p for p in self.section("purposes") if p.get("kind") in kinds]
