"""The diagram as a graph: who the data is about, what it is and who receives
it, as three columns of nodes ordered for few crossings, and the edges between
them (those only our readings draw marked)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from app.web.readings import processor_label, reading
from app.web.register_view import Arrangement, RegisterView, State

NOT_STATED = "__not_stated__"
OPEN = "__more__"
OPEN_LABEL = "Other data: the notice gives examples only"


@dataclass
class Node:
    key: str
    label: str
    column: int
    note: str = ""
    note_lines: list[str] = field(default_factory=list)
    special: bool = False
    processor: bool = False
    unstated: bool = False
    lines: list[str] = field(default_factory=list)
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Graph:
    columns: list[list[Node]]
    edges: list[tuple[Node, Node]]
    readings: set[int] = field(default_factory=set)
    widths: list[int] = field(default_factory=list)
    """Column widths, set by the layout."""
    """Indexes of edges that only our readings draw (none the notice states)."""


def build_graph(register: RegisterView, arrangements: list[Arrangement]) -> Graph:
    subjects: dict[str, Node] = {}
    categories: dict[str, Node] = {}
    recipients: dict[str, Node] = {}
    edges: set[tuple[str, str]] = set()
    stated: set[tuple[str, str]] = set()
    for a in arrangements:
        about: list[State | None] = [*a.data_subjects] or [None]
        what: list[State | None] = [*a.data_categories] or [None]
        if a.data_categories and reading(a.state, "data_categories").open:
            what.append({"slug": OPEN, "name": OPEN_LABEL})
        r = a.recipient
        processor = r.get("role") == "processor"
        recipients.setdefault(
            r["slug"],
            Node(
                r["slug"],
                r["name"],
                2,
                note=processor_label(r) if processor else "",
                processor=processor,
            ),
        )
        for subject in about:
            key = subject["slug"] if subject else NOT_STATED
            label = subject["name"] if subject else "Not stated in the notice"
            subjects.setdefault(key, Node(key, label, 0, unstated=subject is None))
            for category in what:
                ckey = category["slug"] if category else NOT_STATED
                edge = (f"0:{key}", f"1:{ckey}")
                edges.add(edge)
                subject_read = inferred(a, "data_subjects", subject)
                if not (subject_read or inferred(a, "data_categories", category)):
                    stated.add(edge)
        for category in what:
            ckey = category["slug"] if category else NOT_STATED
            if ckey not in categories:
                special = bool(category and category.get("special_category"))
                categories[ckey] = Node(
                    ckey,
                    category["name"] if category else "Data not stated in the notice",
                    1,
                    note="Special category" if special else "",
                    special=special,
                    unstated=category is None or ckey == OPEN,
                )
            edge = (f"1:{ckey}", f"2:{r['slug']}")
            edges.add(edge)
            if not inferred(a, "data_categories", category):
                stated.add(edge)

    order = {key: i for i, key in enumerate(register.by_slug["data_subjects"])}
    left = sorted(subjects.values(), key=lambda n: (n.unstated, order.get(n.key, 0)))
    middle = by_barycentre(list(categories.values()), left, edges, register, "data_categories")
    right = by_barycentre(list(recipients.values()), middle, edges, register, "recipients")
    nodes = {f"{n.column}:{n.key}": n for n in (*left, *middle, *right)}
    ordered = sorted(edges)
    return Graph(
        columns=[left, middle, right],
        edges=[(nodes[a], nodes[b]) for a, b in ordered],
        readings={i for i, edge in enumerate(ordered) if edge not in stated},
    )


def inferred(arrangement: Arrangement, key: str, linked: State | None) -> bool:
    if linked is None or linked["slug"] == OPEN:
        return False
    return reading(arrangement.state, f"{key}/{linked['slug']}").inferred


def by_barycentre(
    nodes: list[Node],
    previous: list[Node],
    edges: set[tuple[str, str]],
    register: RegisterView,
    key: str,
) -> list[Node]:
    """Order a column by the mean position of its neighbours on the left:
    few crossings, and notice order among equals."""
    rank = {f"{n.column}:{n.key}": i for i, n in enumerate(previous)}
    sources: dict[str, list[int]] = defaultdict(list)
    for a, b in edges:
        if a in rank:
            sources[b].append(rank[a])
    notice = {slug: i for i, slug in enumerate(register.by_slug[key])}

    def sort_key(node: Node) -> tuple[float, bool, int]:
        found = sources.get(f"{node.column}:{node.key}") or [0]
        return (sum(found) / len(found), node.unstated, notice.get(node.key, 0))

    return sorted(nodes, key=sort_key)
