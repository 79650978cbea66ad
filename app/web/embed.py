"""The embeddable recipient list.

``/embed/recipients`` is a complete little HTML page for an ``<iframe>``,
styled by one inline stylesheet that the Content-Security-Policy allows by
its hash (so no other inline style or script can run in it).
``/embed/recipients.js`` renders the same list into a host page from the
JSON API; both say the same things in the same words (``rows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.web.register_view import Arrangement, RecipientGroup
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


def law(arrangement: Arrangement) -> list[str]:
    names = [s["name"] for s in arrangement.legislation]
    names += [f"UK GDPR {b['reference']}" for b in arrangement.lawful_bases]
    return names


def rows(arrangement: Arrangement) -> list[Row]:
    """What a recipient receives, why and under which law; the JS renders
    the same three rows from the API's ``expanded`` names."""
    return [
        Row(
            "What they receive",
            ", ".join(c["name"] for c in arrangement.data_categories) or NOT_STATED,
        ),
        Row("Why", "; ".join(p["name"] for p in arrangement.purposes) or NOT_STATED),
        Row("The law", "; ".join(law(arrangement)) or NOT_STATED),
    ]


def processor_note(group: RecipientGroup) -> str:
    return "Data processor" if group.processor else ""
