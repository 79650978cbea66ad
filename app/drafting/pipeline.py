"""From a notice file to a draft: read, segment, extract, in a fixed order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.drafting import (
    bases,
    categories,
    contacts,
    legislation,
    national,
    purposes,
    recipients,
    retention,
    rights,
    sharing,
    subjects,
)
from app.drafting.context import Context
from app.drafting.model import Draft, Entity
from app.drafting.progress import LONG_TEXT, Progress
from app.drafting.segment import segment
from app.drafting.sources import NoticeError, read_notice


def draft_text(
    text: str, controller: str, name: str | None = None, *, show_progress: bool = False
) -> Draft:
    """A draft of the register that a notice's text states."""
    if not text.strip():
        raise NoticeError("the notice has no text (a scanned PDF needs its text recognised first)")
    progress = Progress("drafting", 10, show=show_progress and len(text) > LONG_TEXT)
    blocks = segment(text)
    progress.step()
    draft = Draft(text, controller=Entity("controller", controller, controller, []))
    context = Context(text, blocks, draft)
    draft.controller = contacts.controller(context, controller, name)
    steps: list[Callable[[Context], object]] = [
        legislation.extract,
        categories.extract,
        purposes.extract,
        rights.extract,
        retention.extract,
        subjects.services,
        subjects.subjects,
    ]
    for step in steps:
        step(context)
        progress.step()
    received = recipients.extract(context)
    national.extract(context)
    sharing.extract(context, received)
    bases.general(context)
    progress.finish()
    return draft


def draft_file(
    path: Path, controller: str, name: str | None = None, *, show_progress: bool = False
) -> Draft:
    text = read_notice(path, show_progress=show_progress)
    return draft_text(text, controller, name, show_progress=show_progress)
