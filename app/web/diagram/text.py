"""The diagram's text equivalent: each arrangement in words."""

from __future__ import annotations

from app.web.readings import list_text, reading
from app.web.register_view import Arrangement


def describe(arrangement: Arrangement) -> str:
    """One arrangement in words: the diagram's text equivalent."""
    a = arrangement
    who = a.recipient["name"]
    if a.recipient.get("role") == "processor":
        ours = "; our reading" if reading(a.recipient, "role").inferred else ""
        who += f" (data processor{ours})"
    if a.data_categories:
        what = list_text(a.state, "data_categories", a.data_categories, including="data including")
    else:
        what = "data the notice does not state"
    if a.data_subjects:
        whom = list_text(a.state, "data_subjects", a.data_subjects, including="people including")
    else:
        whom = "people the notice does not state"
    special = ", including special category data" if a.special_category else ""
    return f"{who} receives {what} about {whom}{special}."
