"""Text as shown to people: the notice's redacted e-mail addresses in words."""

from __future__ import annotations

REDACTED_EMAIL = "[email protected]"
"""How the notice's scraped text shows an e-mail address it hides."""
REDACTED_EMAIL_WORDS = "e-mail address not published in the notice"
"""What people are shown instead (quotes keep the notice's text verbatim)."""


def displayed(text: str | None) -> str | None:
    """Text as shown to people: the notice's redacted addresses in words."""
    if text is None or REDACTED_EMAIL not in text:
        return text
    return text.replace(REDACTED_EMAIL, REDACTED_EMAIL_WORDS)
