"""Recipients named in running text: sentences in which the body shares or
passes data to someone, and purposes that report to a drafted recipient."""

from __future__ import annotations

import re

from app.drafting.context import Context
from app.drafting.model import Quote
from app.drafting.phrases import split
from app.drafting.recipients.entity import Received, _processor_quote_of, by_alias, make
from app.drafting.segment import sub_quote
from app.drafting.topics import Topic

_SHARE_VERB = re.compile(
    r"^(?:(?:Once|When|If|Where|After|Before|Whenever)\b[^,]{0,80}?(?:,\s*|\s+(?=we\b)))?"
    r"(?:We|The \w+(?: \w+)? (?:Council|Authority|School|Academy|Trust|Nursery)|The Council|"
    r"The Local Authority|The school|Our \w+)\b(?:(?!\bnot\b|\bnever\b|\bwill only\b).){0,80}?\b"
    r"(?:share|shares|pass|passes|disclose|discloses|send|sends|provide|provides|transfer|transfers)"
    r"\b[^.]*?\b(?:with|to)\s+(?P<who>[^.;:]+)",
    re.I,
)
_OBJECT_END = re.compile(
    r"\s(?:about|where|when|if|who|which|so|because|as|for|in order|under|on|to help|to enable|to|"
    r"including|without|with your|with their)\s",
)


_NO_ONE = re.compile(
    r"(?:the following|these|those)\b|(?:other|various|a range of|a number of|some) "
    r"(?:organisations|agencies|bodies|partners|third parties|people|services)\b(?!\s+[A-Z])",
    re.I,
)


_REPORT_TO = re.compile(
    r"\b(?:report|reporting|provide|providing|pass|send)\b[^.;]*?\bto "
    r"(?P<who>(?:the )?[A-Z][\w’']*(?: [A-Z(][\w’'()]*)*)"
)


def _named_in_purposes(context: Context) -> list[Received]:
    """A purpose that reports to a drafted recipient ("monitor and report on
    the progress of children, including to the DfE") is a flow to it."""
    found = []
    for block in context.items(Topic.PURPOSES):
        if (match := _REPORT_TO.search(block.text)) and (
            recipient := by_alias(context, match.group("who"))
        ):
            found.append(Received(recipient, block, block.quote))
    return found


def _from_sentences(context: Context) -> list[Received]:
    """``We share X with A and with B`` / ``The Council shares ... to schools``."""
    received = []
    for block, sentence in context.sentences():
        if block.kind != "para":
            continue
        match = _SHARE_VERB.search(sentence.text)
        if not match:
            continue
        who_start = match.start("who")
        who = match.group("who")
        listed: list[Quote] = []
        if (such := re.search(r",?\s(?:such as|including)\s", who)) and re.match(
            r"(?:other|a range of|various|partner)\b", who, re.I
        ):  # "other organisations, such as A, B and C, where ...": the examples
            rest = sub_quote(sentence, who_start + such.end(), who_start + len(who))
            stop = re.search(r",\s(?:where|when|if|to|for|who|which)\b", rest.text)
            listed = split(sub_quote(rest, 0, stop.start() if stop else len(rest.text)))
        cut = _OBJECT_END.search(" " + who + " ")
        end = who_start + (cut.start() if cut else len(who))
        object_quote = sub_quote(sentence, who_start, end)
        if not listed and _NO_ONE.match(object_quote.text):
            continue  # the sentence introduces a list, or names no one
        role = _processor_quote_of(sentence)
        for part in listed or split(object_quote):
            text = re.sub(r"^(?:with|to)\s+", "", part.text)
            text = re.sub(r"\s+(?:back|also)$", "", text)
            if (
                not text
                or not re.search(r"[A-Za-z]{3}", text)
                or text.lower() in ("us", "you", "them")
            ):
                continue
            existing = by_alias(context, text)
            recipient = existing or make(context, part, text, role_quote=role)
            received.append(Received(recipient, block, sentence))
    return received
