"""The embeddable recipient list.

``/embed/recipients`` is a complete little HTML page for an ``<iframe>``,
styled by one inline stylesheet that the Content-Security-Policy allows by
its hash (so no other inline style or script can run in it).
``/embed/recipients.js`` renders the same list into a host page from the
JSON API; both say the same things in the same words (``rows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.web.readings import list_text
from app.web.register_view import Arrangement, State
from app.web.templating import STATIC, csp_hash
from app.web.words import NOT_STATED

EMBED_CSS = STATIC["embed.css"].body.decode().strip()
STYLE_HASHES: tuple[str, ...] = (csp_hash(EMBED_CSS),)
SCRIPT = STATIC["embed-recipients.js"]
PARAMS = ("controller", "service", "data_subject", "data_category")


@dataclass(frozen=True)
class Row:
    label: str
    value: str


def _sorted(states: list[State]) -> list[State]:
    return sorted(states, key=lambda s: s["slug"])


def law(arrangement: Arrangement) -> str:
    """The laws and lawful bases, each reading marked."""
    laws = list_text(arrangement.state, "legislation", _sorted(arrangement.legislation), "; ")
    bases = [
        {"slug": b["slug"], "name": f"UK GDPR {b['reference']}"}
        for b in _sorted(arrangement.lawful_bases)
    ]
    parts = [laws] if arrangement.legislation else []
    if bases:
        parts.append(list_text(arrangement.state, "lawful_bases", bases, "; "))
    return "; ".join(parts) or NOT_STATED


def rows(arrangement: Arrangement) -> list[Row]:
    """What a recipient receives, why and under which law, each reading
    marked ("our reading: ...") and open lists worded "Including"; the
    script renders the same three rows from the API's ``expanded`` names
    and ``basis``."""
    state = arrangement.state
    return [
        Row(
            "What they receive",
            list_text(state, "data_categories", _sorted(arrangement.data_categories)),
        ),
        Row("Why", list_text(state, "purposes", _sorted(arrangement.purposes), "; ")),
        Row("The law", law(arrangement)),
    ]
