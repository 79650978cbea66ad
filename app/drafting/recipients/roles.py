"""Roles stated apart from the list naming a recipient: processors, and
independent or joint controllers."""

from __future__ import annotations

import re

from app.drafting.context import Context
from app.drafting.model import Quote, stated
from app.drafting.phrases import abbreviation
from app.drafting.recipients.entity import TYPE, Received, by_alias, make

_ACTS_AS = re.compile(
    r"^(?P<who>(?:[A-Z][\w&’'.-]*)(?: (?:[A-Z][\w&’'.-]*|of|and|for))*?) (?:acts?|is|are) "
    r"(?:as )?(?:a |an |our )?(?:data )?processors?\b"
)


_CONTROLLER_ROLE = re.compile(
    r"\b(?P<kind>independent|separate|joint)(?: data)? controllers?\b"
    r"|\bcontrollers? in (?:their|its) own right\b",
    re.I,
)


def _controllers(context: Context) -> None:
    """``The DfE is an independent data controller``: the role of a recipient
    the sentence names."""
    for _block, sentence in context.sentences():
        if not (match := _CONTROLLER_ROLE.search(sentence.text)):
            continue
        role = (
            "joint_controller"
            if (match["kind"] or "").lower() == "joint"
            else "independent_controller"
        )
        for recipient in context.draft.entities(TYPE):
            name = re.sub(r"\s*\([^)]*\)", "", recipient.name)
            short = abbreviation(recipient.name)
            names_it = name.lower() in sentence.text.lower() or (
                short is not None and re.search(rf"\b{re.escape(short)}\b", sentence.text)
            )
            if len(name) > 3 and names_it and "role" not in recipient.fields:
                recipient.state("role", role, stated("role", sentence, confidence=0.75))
                recipient.add_quote(sentence)


def _roles_stated_apart(context: Context) -> list[Received]:
    """``Transport operators act as data processors on our behalf``: a
    sentence naming a drafted recipient and the processor role; a named
    body that "acts as a data processor" is a recipient."""
    found: list[Received] = []
    for block, sentence in context.sentences():
        if block.kind != "para" or not re.search(r"\bprocessors?\b", sentence.text, re.I):
            continue
        if (named := _ACTS_AS.match(sentence.text)) and by_alias(context, named["who"]) is None:
            who = Quote(sentence.start, sentence.start + named.end("who"), named["who"])
            recipient = make(context, who, who.text, role_quote=sentence)
            found.append(Received(recipient, block, sentence))
        lowered = sentence.text.lower()
        for recipient in context.draft.entities(TYPE):
            name = re.sub(r"\s*\([^)]*\)", "", recipient.name).lower()
            if len(name) > 3 and name in lowered and "role" not in recipient.fields:
                recipient.state("role", "processor", stated("role", sentence, confidence=0.8))
                recipient.add_quote(sentence)
    _controllers(context)
    return found
