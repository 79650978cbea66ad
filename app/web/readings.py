"""What the pages say about where a fact comes from.

Every served state carries a complete ``basis`` map (``app.register.basis``).
Pages show a value the notice states as it is; a value that is a reading of
ours with its reasoning ("Our reading: ..."); a value nobody gives as "Not
stated in the notice"; and a list the notice gives only as examples as
"Including ...". The same words are used by the HTML pages, the embed, the
embed's script (which reads the API's ``basis``) and the diagram's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.register.basis import REDACTED_EMAIL, REDACTED_EMAIL_WORDS, BasisKind, displayed
from app.web.words import NOT_STATED

READING = "Our reading"
WITHHELD_EMAIL = REDACTED_EMAIL_WORDS[:1].upper() + REDACTED_EMAIL_WORDS[1:]
INCLUDING = "Including"


@dataclass(frozen=True)
class Reading:
    """The basis of one fact, as pages need it."""

    kind: BasisKind
    reasoning: str | None = None
    exhaustive: bool | None = None

    @property
    def inferred(self) -> bool:
        return self.kind is BasisKind.INFERRED

    @property
    def not_stated(self) -> bool:
        return self.kind is BasisKind.NOT_STATED

    @property
    def open(self) -> bool:
        """A list the notice gives as examples ("such as", "include")."""
        return self.exhaustive is False

    @property
    def note(self) -> str:
        """ "Our reading: <reasoning>" for a reading, else nothing."""
        if not self.inferred:
            return ""
        return f"{READING}: {displayed(self.reasoning) or 'not stated in so many words'}"


STATED = Reading(BasisKind.STATED)


def reading(state: Mapping[str, Any] | None, key: str) -> Reading:
    """The reading of fact ``key`` of a served state. A state without the
    entry (a recipient the register does not hold) claims nothing more than
    its value."""
    entry = ((state or {}).get("basis") or {}).get(key)
    if not isinstance(entry, Mapping):
        return STATED
    return Reading(BasisKind(entry["basis"]), entry.get("reasoning"), entry.get("exhaustive"))


def listed(names: list[str], whole: Reading, sep: str = ", ", including: str = INCLUDING) -> str:
    """A list of names in words: "Including a, b" for an open list, "Not
    stated in the notice" for none."""
    if not names:
        return NOT_STATED
    text = sep.join(names)
    if whole.open:
        text = f"{including} {text}"
    return text


def list_text(
    state: Mapping[str, Any],
    key: str,
    items: Sequence[Mapping[str, Any]],
    sep: str = ", ",
    including: str = INCLUDING,
) -> str:
    """A linked list of an entry (``data_categories``) as plain text, each
    reading marked after its name: what the embed shows."""
    names = []
    for item in items:
        note = reading(state, f"{key}/{item['slug']}").note
        names.append(f"{item['name']} ({_lower(note)})" if note else str(item["name"]))
    text = listed(names, reading(state, key), sep, including)
    whole = reading(state, key).note
    return f"{text} ({_lower(whole)})" if whole and names else text


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def withheld_email(state: Mapping[str, Any]) -> bool:
    """Whether the notice gives an e-mail address for this entry only
    redacted (its quotes show the scrape's placeholder)."""
    return any(REDACTED_EMAIL in str(s.get("quote", "")) for s in state.get("sources") or [])


def processor_label(recipient: Mapping[str, Any]) -> str:
    """The tag of a processor: marked when its role is our reading."""
    if reading(recipient, "role").inferred:
        return "Data processor (our reading)"
    return "Data processor"
