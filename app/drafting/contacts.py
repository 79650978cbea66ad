"""The controller: its name, its contact details and its data protection
officer's, and the supervisory authority the notice points to."""

from __future__ import annotations

import re

from app.drafting.context import Context
from app.drafting.model import Entity, Quote, inferred, stated
from app.drafting.segment import Block, sentences

TYPE = "controller"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[email(?:&#160;|\s)protected\]")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?\(?0?\)?\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
_URL = re.compile(r"https?://[^\s)<>\"”]+[^\s)<>\"”.,;:]")
_BODY = re.compile(
    r"\b(?:[A-Z][\w’'&-]+[ ]+(?:(?:of|and|the|de)[ ]+)?){1,6}"
    r"(?:County Council|City Council|Borough Council|District Council|"
    r"Council|Primary School|Junior School|Infant School|Secondary School|High School|School|"
    r"Academy|Nursery School|Nursery|Pre-School|Preschool|Pre-school|College|Trust)\b"
)
_DPO = re.compile(r"data protection officer|\bDPO\b", re.I)
_ICO = re.compile(r"Information Commissioner[’']?s? Office|Information Commissioner\b|\bICO\b")


_REACH = re.compile(r"\b(?:contact|speak to|call|telephone|ring|write to|e-?mail)\b", re.I)
_DECLARED = re.compile(
    r"^(?:The )?(?P<body>[A-Z][\w’'&.-]*(?: (?:[A-Z(][\w’'&().-]*|of|and|the|for|de))*) "
    r"(?:is|are) (?:registered [^.]*?as )?(?:a |the )?data controller"
)


def _declared(context: Context) -> Quote | None:
    """The body a sentence declares the data controller ("X Ltd is the data controller")."""
    for _block, sentence in context.sentences():
        match = _DECLARED.match(sentence.text)
        if match and not re.fullmatch(r"We|It|They|This|That|Our \w+", match.group("body")):
            start = sentence.start + match.start("body")
            return Quote(start, start + len(match.group("body")), match.group("body"))
    return None


def _kind(name: str) -> str:
    lowered = name.lower()
    if "council" in lowered:
        return "local_authority"
    if re.search(r"nursery|pre-?school", lowered):
        return "early_years_setting"
    if re.search(r"school|academy|college", lowered):
        return "school"
    if "trust" in lowered:
        return "academy_trust"
    return "other"


def controller(context: Context, slug: str, name: str | None) -> Entity:
    text = context.text
    bodies: dict[str, list[Quote]] = {}
    for match in _BODY.finditer(text):
        words = re.sub(r"^(?:The|Our|At|Contact|To)\s+", "", match.group())
        start = match.end() - len(words)
        bodies.setdefault(words, []).append(Quote(start, match.end(), words))
    title_block = next((b for b in context.blocks if b.kind == "heading"), None)
    declared = _declared(context)
    if name is None and declared is not None:
        name = declared.text
        bodies[name] = [declared]
    if name is None and bodies:
        name = max(bodies, key=lambda n: (len(bodies[n]), -bodies[n][0].start))
    quotes = bodies.get(name or "", [])[:3]
    first = title_block.quote if title_block else context.blocks[0].quote
    entity = Entity(TYPE, slug, name or slug.replace("-", " ").title(), quotes or [first])
    titles = [b for b in context.blocks[:5] if b.kind == "heading"]
    notice = next((b for b in titles if re.search(r"notice|policy", b.text, re.I)), None) or next(
        (b for b in titles if re.search(r"privacy|data protection", b.text, re.I)), None
    )
    if notice is not None:
        entity.state("notice_title", notice.text, stated("notice_title", notice.quote))
    if name and quotes:
        kind = _kind(name)
        entity.state(
            "kind",
            kind,
            inferred("kind", f"the body's name reads as {kind.replace('_', ' ')}", quotes[0]),
        )
    _contacts(context, entity)
    return entity


def _dpo_blocks(context: Context) -> list[Block]:
    """Blocks under a heading about the DPO or contact, or naming the DPO."""
    found = []
    for block in context.blocks:
        if block.kind == "heading":
            continue
        if (block.heading and _DPO.search(block.heading.text)) or _DPO.search(block.text):
            found.append(block)
    return found


def _contacts(context: Context, entity: Entity) -> None:
    dpo: dict[str, str | None] = {}
    for block in _dpo_blocks(context):
        for sentence in sentences(block) or [block.quote]:
            _contact_fields(sentence, dpo, entity, prefix="dpo")
    if any(dpo.values()) or any(_DPO.search(b.text) for b in context.blocks):
        mentions = [(b, q) for b, q in context.sentences() if _DPO.search(q.text)]
        in_section = [q for b, q in mentions if b.heading and _DPO.search(b.heading.text)]
        anywhere = [q for _b, q in mentions]
        mention = (in_section or anywhere)[0] if mentions else None
        if mention is not None:
            dpo.setdefault("name", "Data Protection Officer")
            entity.facts["dpo.name"] = stated("dpo.name", mention, confidence=0.8)
            entity.add_quote(mention)
    entity.fields["dpo"] = {
        k: dpo.get(k) for k in ("name", "team", "email", "phone", "address", "url")
    }
    own: dict[str, str | None] = {}
    dpo_blocks = {b.index for b in _dpo_blocks(context)}
    for block in context.blocks:
        heading = block.heading.text if block.heading else ""
        if block.index in dpo_blocks or not re.search(r"\bcontact", heading, re.I):
            continue
        for sentence in sentences(block) or [block.quote]:
            if not _ICO.search(sentence.text):
                _contact_fields(sentence, own, entity, prefix="")
    if not any(own.values()) and not any(dpo.values()):
        for _block, sentence in context.sentences():  # "contact the school office on ..."
            if _REACH.search(sentence.text) and not _ICO.search(sentence.text):
                _contact_fields(sentence, own, entity, prefix="")
    for field in ("email", "phone", "address"):
        if own.get(field):
            entity.fields[field] = own[field]
    for _block, sentence in context.sentences():
        if _ICO.search(sentence.text) and re.search(
            r"complain|concern|regulator|supervisory", sentence.text, re.I
        ):
            url = _URL.search(sentence.text)
            authority = {
                "name": "Information Commissioner’s Office",
                "team": None,
                "email": None,
                "phone": None,
                "address": None,
                "url": url.group() if url else None,
            }
            entity.fields["supervisory_authority"] = authority
            entity.facts["supervisory_authority.name"] = stated(
                "supervisory_authority.name", sentence
            )
            if url:
                entity.facts["supervisory_authority.url"] = stated(
                    "supervisory_authority.url", sentence
                )
            entity.add_quote(sentence)
            break


def _key(prefix: str, field: str) -> str:
    return f"{prefix}.{field}" if prefix else field


def _contact_fields(
    quote: Quote, found: dict[str, str | None], entity: Entity, prefix: str
) -> None:
    text = quote.text
    if "email" not in found and (match := _EMAIL.search(text)):
        value = match.group()
        redacted = "protected" in value
        found["email"] = None if redacted else value
        if not redacted:
            entity.facts[_key(prefix, "email")] = stated(_key(prefix, "email"), quote)
        entity.add_quote(quote)
    if "phone" not in found and (match := _PHONE.search(text)):
        found["phone"] = match.group().strip()
        entity.facts[_key(prefix, "phone")] = stated(_key(prefix, "phone"), quote)
        entity.add_quote(quote)
    if "address" not in found and (code := _POSTCODE.search(text)):
        text = text[: code.end()]
        address = re.sub(r"^(?:write to|post|address|by post)\s*:?\s*", "", text, flags=re.I)
        address = re.sub(
            r"^.*?\b(?:write to|writing to)\s*:?\s*(?:us at\s*)?", "", address, flags=re.I
        )
        first = address.split(",", 1)[0]
        if ":" in first:  # "Contact our Data Protection Officer: Information Governance Team, ..."
            address = address[address.index(":") + 1 :]
        found["address"] = address.strip(" .")
        entity.facts[_key(prefix, "address")] = stated(_key(prefix, "address"), quote)
        entity.add_quote(quote)
        postcode = _POSTCODE.search(address)
        parts = [p.strip() for p in address.split(",")]
        team = next((p for p in parts if re.search(r"\b(?:Team|Unit|Office|Service)$", p)), None)
        if prefix and team and "team" not in found:
            found["team"] = team
            entity.facts[_key(prefix, "team")] = stated(_key(prefix, "team"), quote)
        if prefix and postcode and len(parts) >= 3 and not entity.fields.get("address"):
            entity.fields["address"] = ", ".join(parts[-3:]).strip(" .")
            entity.facts["address"] = inferred(
                "address", "the last lines of the DPO's postal address, which is at the body", quote
            )
    if (
        "url" not in found
        and (match := _URL.search(text))
        and re.search(r"contact|dpo|data protection", text, re.I)
    ):
        found["url"] = match.group()
        entity.facts[_key(prefix, "url")] = stated(_key(prefix, "url"), quote)
