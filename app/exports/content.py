"""One register's content, indexed for the exports and the completeness audit.

Works on ``Snapshot.content`` only (never the ORM), so the current register,
a past moment and a published version are read the same way. Relations follow
the API's meaning: a data category shares its group's items, and special
category data is involved when a stated category, one of its items or its
group is special.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.register.document import CONTENT_KEYS

State = dict[str, Any]

PURPOSE = "purpose"
SHARING = "sharing"
DATA_COLLECTION = "data_collection"


@dataclass(frozen=True)
class Activity:
    """A processing activity: the controller's own purpose, a sharing
    arrangement or a national data collection, with what it links to."""

    kind: str
    state: State
    purposes: tuple[str, ...] = ()
    data_subjects: tuple[str, ...] = ()
    data_categories: tuple[str, ...] = ()
    legislation: tuple[str, ...] = ()
    lawful_bases: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    recipient: str | None = None

    @property
    def slug(self) -> str:
        return str(self.state["slug"])

    @property
    def name(self) -> str:
        return str(self.state["name"])


class RegisterView:
    def __init__(self, content: dict[str, Any]) -> None:
        self.content = content
        self.controller: State = content["controller"]
        self._by_slug: dict[str, dict[str, State]] = {
            key: {state["slug"]: state for state in content[key]}
            for key in CONTENT_KEYS
            if key != "controller"
        }
        self._group: dict[str, str | None] = {}
        self._items: dict[str, list[str]] = defaultdict(list)
        for category in content["data_categories"]:
            self._group[category["slug"]] = category["group"]
            if category["group"] is not None:
                self._items[category["group"]].append(category["slug"])

    # --- lookups -------------------------------------------------------------

    def section(self, key: str) -> list[State]:
        states: list[State] = self.content[key]
        return states

    def get(self, key: str, slug: str | None) -> State | None:
        if slug is None:
            return None
        return self._by_slug[key].get(slug)

    def resolve(self, key: str, slugs: Iterable[str]) -> list[State]:
        """The named entities in register order (slug lists are alphabetical)."""
        index = self._by_slug[key]
        found = [index[slug] for slug in set(slugs) if slug in index]
        return sorted(found, key=lambda s: (s["position"], s["slug"]))

    def names(self, key: str, slugs: Iterable[str]) -> list[str]:
        return [state["name"] for state in self.resolve(key, slugs)]

    # --- data categories -----------------------------------------------------

    def ancestors(self, slug: str) -> list[str]:
        found: list[str] = []
        node = self._group.get(slug)
        while node is not None and node not in found and node != slug:
            found.append(node)
            node = self._group.get(node)
        return found

    def descendants(self, slug: str) -> list[str]:
        found: list[str] = []
        stack = list(self._items.get(slug, ()))
        while stack:
            node = stack.pop()
            if node not in found and node != slug:
                found.append(node)
                stack.extend(self._items.get(node, ()))
        return found

    def related_categories(self, slugs: Iterable[str]) -> set[str]:
        related: set[str] = set()
        for slug in slugs:
            related.add(slug)
            related.update(self.ancestors(slug))
            related.update(self.descendants(slug))
        return related

    def special_categories(self, slugs: Iterable[str]) -> list[State]:
        """Special category data involved in sharing these categories."""
        involved = self.resolve("data_categories", self.related_categories(slugs))
        return [state for state in involved if state["special_category"]]

    # --- activities ----------------------------------------------------------

    def activities(self) -> list[Activity]:
        """The controller's own purposes, then sharing, then data collections."""
        found = [
            Activity(PURPOSE, purpose, purposes=(purpose["slug"],))
            for purpose in self.section("purposes")
            if purpose["kind"] == "processing"
        ]
        for sharing in self.section("sharing"):
            found.append(
                Activity(
                    SHARING,
                    sharing,
                    purposes=tuple(sharing["purposes"]),
                    data_subjects=tuple(sharing["data_subjects"]),
                    data_categories=tuple(sharing["data_categories"]),
                    legislation=tuple(sharing["legislation"]),
                    lawful_bases=tuple(sharing["lawful_bases"]),
                    services=tuple(sharing["services"]),
                    recipient=sharing["recipient"],
                )
            )
        for collection in self.section("data_collections"):
            found.append(
                Activity(
                    DATA_COLLECTION,
                    collection,
                    purposes=tuple(collection["purposes"]),
                    data_subjects=tuple(collection["data_subjects"]),
                    legislation=tuple(collection["legislation"]),
                    recipient=collection["owner"],
                )
            )
        return found

    def legal_bases(self, activity: Activity) -> list[State]:
        """Stated lawful bases, plus the Article 9 conditions of the special
        category data the activity involves."""
        slugs = set(activity.lawful_bases)
        for category in self.special_categories(activity.data_categories):
            if category["article9_condition"]:
                slugs.add(category["article9_condition"])
        return sorted(
            self.resolve("lawful_bases", slugs), key=lambda s: (s["article"], s["reference"])
        )

    def retention_rules(self, activity: Activity) -> list[State]:
        """Rules that name one of the activity's data categories (or their
        groups and items) or one of its data subjects."""
        categories = self.related_categories(activity.data_categories)
        subjects = set(activity.data_subjects)
        return [
            rule
            for rule in self.section("retention_rules")
            if categories & set(rule["data_categories"]) or subjects & set(rule["data_subjects"])
        ]

    def data_sources(self, activity: Activity) -> list[State]:
        """Sources about the activity's data subjects (or about anyone)."""
        sources = self.section("data_sources")
        subjects = set(activity.data_subjects)
        if not subjects:
            return sources
        return [s for s in sources if not s["data_subjects"] or subjects & set(s["data_subjects"])]

    def arrangements_for(self, key: str, slug: str) -> list[State]:
        """Sharing arrangements whose list ``key`` names ``slug``."""
        return [s for s in self.section("sharing") if slug in s[key]]
