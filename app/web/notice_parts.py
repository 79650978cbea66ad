"""The notice in parts: a short home page and one page per section, each at
its own URL (``/controllers/<controller>/<part>``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import NotFound


@dataclass(frozen=True)
class Part:
    slug: str
    title: str
    summary: str


PARTS: tuple[Part, ...] = (
    Part("services", "Our services", "The services the notice covers."),
    Part(
        "information",
        "What information we hold, and about whom",
        "Whom the council holds information about, and what it holds.",
    ),
    Part(
        "why",
        "Why we collect and use this information",
        "What the information is used for, and where it comes from.",
    ),
    Part("laws", "The laws we rely on", "The statutory duties the notice names."),
    Part("storage", "Storing this information", "Where it is kept, and for how long."),
    Part(
        "sharing",
        "Who we share this information with",
        "Every recipient, what they receive, why and under which law, with a diagram.",
    ),
    Part(
        "collections",
        "National data collections",
        "The national databases the council contributes to.",
    ),
    Part("rights", "Your rights", "Your rights over the information held about you."),
    Part(
        "contact",
        "Contact the Data Protection Officer, or complain",
        "How to ask a question or make a complaint.",
    ),
)
BY_SLUG = {part.slug: part for part in PARTS}


def part(slug: str) -> Part:
    found = BY_SLUG.get(slug)
    if found is None:
        raise NotFound(f"The notice has no section {slug!r}.")
    return found


def neighbours(current: Part) -> tuple[Part | None, Part | None]:
    """The sections before and after, for the pagination at the foot."""
    index = PARTS.index(current)
    before = PARTS[index - 1] if index > 0 else None
    after = PARTS[index + 1] if index + 1 < len(PARTS) else None
    return before, after
