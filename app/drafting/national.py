"""National data collections: a section headed by a database, system or
census ("The National Pupil Database (NPD)"), with its owner, links, the law
requiring it and what it is for."""

from __future__ import annotations

import re

from app.drafting import legislation, purposes
from app.drafting.context import Context
from app.drafting.model import Entity, Quote, stated
from app.drafting.phrases import abbreviation, clean_name, slug
from app.drafting.recipients import by_alias
from app.drafting.segment import Block, sentences
from app.drafting.topics import Topic

TYPE = "data-collections"
_COLLECTION = re.compile(
    r"\b(Database|System|Census|Collection|Return|Survey|Index|Register|Dataset)\b(?:\s*\([A-Z]+\))?$",
    re.I,
)
_OWNER = re.compile(
    r"\bowned (?:and (?:managed|run) )?by (?P<who>(?:the )?[A-Z][\w’' ]+?)(?=\s+and\b|,|\.|$)"
)
_URL = re.compile(r"https?://[^\s)<>\"”]+[^\s)<>\"”.,;:]")


def _section(context: Context, heading: Block) -> list[Block]:
    return [b for b in context.blocks if b.heading is heading and b.kind != "heading"]


def _about_it(sentence: str, entity: Entity, short: str | None) -> bool:
    subject = r"^(?:It|We|Our|The Local Authority|The Council|The school)\b"
    return bool(re.match(subject, sentence)) or bool(short and short in sentence)


def extract(context: Context) -> None:
    for heading in context.blocks:
        if heading.kind != "heading" or not _COLLECTION.search(heading.text):
            continue
        name = clean_name(re.sub(r"\s*\([A-Z]+\)$", "", heading.text))
        entity = Entity(TYPE, slug(name), name, [heading.quote], confidence=0.7)
        short = abbreviation(heading.text)
        if short:
            entity.state("abbreviation", short, stated("abbreviation", heading.quote))
        blocks = _section(context, heading)
        aims: list[Entity] = []
        links: list[dict[str, str]] = []
        for block in blocks:
            if block.kind == "item" and context.topics.get(block.index) is Topic.PURPOSES:
                if found := purposes.from_item(context, block):
                    aims.append(found)
                continue
            for sentence in sentences(block) or [block.quote]:
                _sentence(context, entity, sentence, short, aims, links)
        if links:
            entity.fields["links"] = links
        for aim in {a.slug: a for a in aims}.values():
            entity.fields.setdefault("purposes", []).append(aim.slug)
            entity.facts[f"purposes/{aim.slug}"] = stated(f"purposes/{aim.slug}", aim.quotes[0])
        context.draft.add(entity)


def _sentence(
    context: Context,
    entity: Entity,
    sentence: Quote,
    short: str | None,
    aims: list[Entity],
    links: list[dict[str, str]],
) -> None:
    if (owner := _OWNER.search(sentence.text)) and "owner" not in entity.fields:
        recipient = by_alias(context, owner.group("who"))
        if recipient is not None:
            entity.state("owner", recipient.slug, stated("owner", sentence))
            entity.add_quote(sentence)
    for url in _URL.finditer(sentence.text):
        title = (
            clean_name(
                re.sub(
                    r"\s*(?:go to|visit|please visit|see)?[:\s]*$", "", sentence.text[: url.start()]
                ).strip()
            )
            or url.group()
        )
        links.append({"title": title[:500], "url": url.group()})
        entity.add_quote(sentence)
    for law in legislation.cited_in(context, sentence):
        if law.fields.get("kind") != "group":
            entity.fields.setdefault("legislation", [])
            if law.slug not in entity.fields["legislation"]:
                entity.fields["legislation"].append(law.slug)
                entity.facts[f"legislation/{law.slug}"] = stated(
                    f"legislation/{law.slug}", sentence
                )
            entity.add_quote(sentence)
    if _about_it(sentence.text, entity, short):
        found = purposes.clauses(context, sentence, kind="data_collection")
        if found:
            entity.add_quote(sentence)
            aims.extend(found)
