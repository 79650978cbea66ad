"""The embeddable recipient list.

``/embed/recipients`` is a complete little HTML page for an ``<iframe>``,
styled by one inline stylesheet that the Content-Security-Policy allows by
its hash (so no other inline style or script can run in it).
``/embed/recipients.js`` renders the same list into a host page from the
JSON API; both say the same things in the same words (``rows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.web.register_view import Arrangement, RecipientGroup, State
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


def _names(states: list[State], key: str = "name") -> list[str]:
    """Names in slug order: the order of the API's ``expanded`` lists, which
    the script renders, so that both embeds read exactly alike."""
    return [str(s[key]) for s in sorted(states, key=lambda s: s["slug"])]


def law(arrangement: Arrangement) -> list[str]:
    names = _names(arrangement.legislation)
    names += [f"UK GDPR {ref}" for ref in _names(arrangement.lawful_bases, "reference")]
    return names


def rows(arrangement: Arrangement) -> list[Row]:
    """What a recipient receives, why and under which law; the script
    renders the same three rows from the API's ``expanded`` names."""
    return [
        Row("What they receive", ", ".join(_names(arrangement.data_categories)) or NOT_STATED),
        Row("Why", "; ".join(_names(arrangement.purposes)) or NOT_STATED),
        Row("The law", "; ".join(law(arrangement)) or NOT_STATED),
    ]


def processor_note(group: RecipientGroup) -> str:
    return "Data processor" if group.processor else ""
