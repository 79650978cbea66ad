"""Recipients: who the notice says receives personal data, from lists and
tables about sharing and from sentences in which the body shares or passes
data to someone."""

from __future__ import annotations

from app.drafting.context import Context, row_subject
from app.drafting.recipients.entity import _PROCESSOR, Received, _processor_quote, make
from app.drafting.recipients.items import (
    _INTRODUCES,
    _NOBODY,
    _RECIPIENT_HEADERS,
    _class_name,
    _names,
)
from app.drafting.recipients.roles import _roles_stated_apart
from app.drafting.recipients.running_text import _from_sentences, _named_in_purposes
from app.drafting.topics import Topic


def extract(context: Context) -> list[Received]:
    received: list[Received] = []
    for block in context.items(Topic.RECIPIENTS):
        children = [c for c in context.children(block) if c.kind == "item"]
        parent = block.parent
        role_quote = None
        if parent is not None and _PROCESSOR.search(
            parent.text + " " + (parent.intro.text if parent.intro else "")
        ):
            role_quote = _processor_quote(parent)
        if children and _INTRODUCES.search(block.text):
            # the nested items are the recipients; the item names their class
            class_name = _class_name(block.quote)
            if class_name is not None:
                recipient = make(
                    context,
                    class_name,
                    class_name.text,
                    role_quote=role_quote
                    or (_processor_quote(block) if _PROCESSOR.search(block.text) else None),
                )
                received.append(Received(recipient, block, block.quote))
            continue
        if parent is not None and not _INTRODUCES.search(parent.text):
            continue  # details of the item above, not recipients of their own
        if role_quote is None and _PROCESSOR.search(block.text):
            role_quote = _processor_quote(block)
        subject = row_subject(block, *_RECIPIENT_HEADERS)
        if _NOBODY.fullmatch(subject.text.strip(" .")):
            continue
        for part, name in _names(subject):
            recipient = make(context, part, name, role_quote=role_quote)
            context_quote = parent.quote if parent is not None else None
            received.append(Received(recipient, block, block.quote, context_quote))
    received.extend(_from_sentences(context))
    received.extend(_roles_stated_apart(context))
    received.extend(_named_in_purposes(context))
    return received
