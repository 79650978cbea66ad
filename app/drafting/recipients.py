"""Recipients: who the notice says receives personal data, from lists and
tables about sharing and from sentences in which the body shares or passes
data to someone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.drafting.context import Context, row_subject
from app.drafting.model import Entity, Quote, inferred, stated
from app.drafting.phrases import abbreviation, clean_name, distributed, examples, head, slug, split
from app.drafting.segment import Block, sentences, sub_quote
from app.drafting.topics import Topic

TYPE = "recipients"

_KINDS: tuple[tuple[str, str], ...] = (
    (
        "government_department",
        r"\bdepartment (for|of)\b|\bhm revenue|revenue and customs|\bhmrc\b|\bdwp\b"
        r"|\bdfe\b|\bhome office\b|\bcabinet office\b|\bministry\b",
    ),
    (
        "regulator",
        r"\bofsted\b|\bregulators?\b|\bcommissioner\b|\binspectorate\b|\bcare quality commission\b",
    ),
    ("police", r"\bpolice\b|\bconstabulary\b"),
    (
        "court_or_legal",
        r"\bcourts?\b|\bsolicitors?\b|\btribunals?\b|\bcafcass\b|\blegal services?\b",
    ),
    ("health_body", r"\bnhs\b|\bhealth\b|\bhospitals?\b|\bgps?\b|\bclinical\b|\bschool nurs"),
    ("charity", r"\bnspcc\b|\bbarnardo|\bcharit(y|ies)\b|\btrust\b(?!s)"),
    ("awarding_body", r"\bawarding bod|\bexam(ination)? boards?\b"),
    ("local_authority", r"\blocal authorit|\bdistrict authorit|\bcouncils?\b(?!’s)"),
    ("school", r"\bschools?\b|\bacadem(y|ies)\b|\bcolleges?\b|\bnurser(y|ies)\b|\bsettings?\b"),
    ("government_agency", r"\bagency\b|\bservice\b.*\b(border|passport|probation)\b|\bborder\b"),
    ("education_provider", r"\btraining providers?\b|\bproviders? of\b.*\beducation\b|\buniversit"),
    ("company", r"\bltd\b|\blimited\b|\bplc\b|\bcompan(y|ies)\b|\bsoftware\b|\bsuppliers?\b"),
    ("individual", r"\bfoster carers?\b|\bparents?\b|\bcarers?\b|\bchildminders?\b"),
    (
        "council_service",
        r"\b(our|the council’s|the council's|council)\b.*\bservices?\b|\bsocial care\b"
        r"|\bearly help\b|\byouth support\b|\bdesignated officer\b",
    ),
)
_PROCESSOR = re.compile(r"\bprocessors?\b|\bon (our|its|their) behalf\b|\bon behalf of\b", re.I)
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


@dataclass
class Received:
    """A recipient named in one block: the arrangement's seed."""

    recipient: Entity
    block: Block
    quote: Quote
    context: Quote | None = None
    """The words of the item a nested item belongs to ("Companies who ... include")."""


def _kind(name: str) -> tuple[str, str | None]:
    for kind, pattern in _KINDS:
        if match := re.search(pattern, name, re.I):
            return kind, match.group()
    return "other", None


def make(context: Context, name_quote: Quote, name: str, *, role_quote: Quote | None) -> Entity:
    """The recipient of that name (merged with one of the same slug or abbreviation)."""
    name = clean_name(name)
    short = abbreviation(name)
    entity_slug = slug(name)
    for existing in context.draft.entities(TYPE):
        if short and abbreviation(existing.name) == short:
            existing.add_quote(name_quote)
            return existing
        if existing.slug == entity_slug or slug(existing.name) == slug(name):
            existing.add_quote(name_quote)
            return existing
    entity = Entity(TYPE, entity_slug, name, [name_quote])
    kind, word = _kind(name)
    if word:
        entity.state(
            "kind",
            kind,
            inferred(
                "kind", f"the name says '{word}', read as {kind.replace('_', ' ')}", name_quote
            ),
        )
    if role_quote is not None:
        entity.state("role", "processor", stated("role", role_quote, confidence=0.8))
    return context.draft.add(entity)


def by_alias(context: Context, words: str) -> Entity | None:
    """A recipient already drafted that these words name (its name or abbreviation)."""
    wanted = slug(clean_name(words))
    bare = re.sub(r"^(the|our)\s+", "", words.strip(), flags=re.I)
    for existing in context.draft.entities(TYPE):
        if slug(existing.name) == wanted or abbreviation(existing.name) == bare:
            return existing
    return None


_RECIPIENT_HEADERS = (
    r"recipient|\bwho\b|organisation|shared? with|disclosed to|third part|bod(?:y|ies)|partner",
)
_NOBODY = re.compile(r"(?i)none|n/?a|-+|–|nobody|no one|not shared|we do not share( it)?")
_NO_ONE = re.compile(
    r"(?:the following|these|those)\b|(?:other|various|a range of|a number of|some) "
    r"(?:organisations|agencies|bodies|partners|third parties|people|services)\b(?!\s+[A-Z])",
    re.I,
)
_INTRODUCES = re.compile(r"\b(?:include|includes|including|are|following)\b\s*:?$|:$")
_DESCRIPTION = re.compile(r"^(?:our|the|a|an|your|their)\s+[a-z]", re.I)


def _appositive(parts: list[Quote]) -> list[Quote]:
    """``our local authority, Northshire County Council``: one recipient, by
    its proper name; the description beside it is not another recipient."""
    if len(parts) != 2:
        return parts
    described = [bool(_DESCRIPTION.match(p.text)) and _lower_after_article(p.text) for p in parts]
    if described.count(True) == 1:
        return [parts[described.index(False)]]
    return parts


def _without_descriptions(quote: Quote) -> list[Quote]:
    """Comma-separated stretches, less those that only describe another
    ("SENDIASS, the independent information and advice service")."""
    stretches, begin, depth = [], 0, 0
    for position, char in enumerate(quote.text + ","):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            stretches.append(sub_quote(quote, begin, position))
            begin = position + 1
    stretches = [s for s in stretches if s.text]
    described = [
        bool(_DESCRIPTION.match(s.text)) and _lower_after_article(s.text) for s in stretches
    ]
    if len(stretches) > 1 and not all(described) and any(described):
        return [s for s, d in zip(stretches, described, strict=True) if not d]
    return [quote]


def _lower_after_article(text: str) -> bool:
    """``our local authority``: a description (two or more plain words after
    the article), not a name ("the police" is a recipient in its own right)."""
    rest = text.split(" ", 1)[1] if " " in text else ""
    if len(rest.split()) < 2:
        return False
    return rest[:1].islower() and not re.search(r"\b[A-Z]{2,}\b|\b[A-Z][a-z]+ [A-Z]", rest)


def _names(quote: Quote) -> list[tuple[Quote, str]]:
    """The recipients an item names: its organisations, or the class it names
    and the examples it gives of it ("Appropriate regulators such as Ofsted")."""
    whole, listed = examples(head(quote))
    parts = listed or [p for s in _without_descriptions(whole) for p in _appositive(split(s))]
    if listed and whole.text:
        parts = [whole, *listed]
    found = []
    for part in parts:
        for name in distributed(clean_name(part.text)):
            if len(name.split()) <= 12 and re.search(r"[A-Za-z]", name):
                found.append((part, name))
    return found


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


_CLASS_END = re.compile(
    r"\.\s|\s[–—-]\s|:\s|\s(?:in order to|so that|to|who are|which are)\s(?=[a-z])"
)


def _class_name(quote: Quote) -> Quote | None:
    """The class an item introducing a nested list names ("Companies who
    process ... data on behalf of schools"): its words up to their purpose."""
    end = _CLASS_END.search(quote.text)
    name = sub_quote(quote, 0, end.start() if end else len(quote.text))
    return name if name.text and len(name.text.split()) <= 25 else None


def _processor_quote(block: Block) -> Quote:
    for sentence in sentences(block):
        if _PROCESSOR.search(sentence.text):
            return sentence
    return block.quote


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


def _processor_quote_of(sentence: Quote) -> Quote | None:
    return sentence if _PROCESSOR.search(sentence.text) else None
