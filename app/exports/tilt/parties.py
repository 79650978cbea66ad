"""The controller's contacts, its data protection officer, and the rights
people have with the supervisory authority to complain to."""

from __future__ import annotations

from typing import Any

from app.exports.content import RegisterView, State
from app.exports.readings import CONTROLLERS, basis_map
from app.exports.tilt.fields import EMAIL, PHONE, filled
from app.register.basis import displayed

RIGHTS = {
    "rightToInformation": ("Article 15",),
    "accessAndDataPortability": ("Article 15", "Article 20"),
    "rightToRectificationOrDeletion": ("Article 16", "Article 17"),
    "rightToDataPortability": ("Article 20",),
    "rightToWithdrawConsent": ("Article 7(3)",),
    "rightToComplain": ("Article 77",),
}


def contact(person: State | None, *, country: str) -> dict[str, Any]:
    """A TILT contact: its required fields filled, a phone TILT would refuse in ``x-phone``."""
    person = person or {}
    node = filled(
        {},
        {
            "name": person.get("name") or person.get("team"),
            "address": person.get("address"),
            "country": country,
            "email": person.get("email"),
        },
    )
    phone = person.get("phone")
    if phone:
        node["phone" if PHONE.match(phone) else "x-phone"] = phone
    return node


def dpo(controller: State) -> dict[str, Any]:
    node = contact(controller["dpo"], country=controller["country"])
    node["x-basis"] = {
        key: entry
        for key, entry in basis_map(CONTROLLERS, controller).items()
        if key.startswith("dpo.")
    }
    return node


def right(view: RegisterView, key: str, articles: tuple[str, ...]) -> dict[str, Any]:
    rights = [r for r in view.section("rights") if r["gdpr_article"] in articles]
    node: dict[str, Any] = {"available": bool(rights)}
    text = " ".join(displayed(r["description"]) or r["name"] for r in rights)
    if text:
        node["description"] = text
    authority = view.controller["supervisory_authority"] or {}
    if key == "rightToComplain" and (rights or authority):
        # Once available, TILT requires the authority (by name at least).
        node["supervisoryAuthority"] = filled({}, {"name": authority.get("name")})
        if authority.get("address"):
            node["supervisoryAuthority"]["address"] = authority["address"]
        email = authority.get("email")
        if email:
            node["supervisoryAuthority"]["email" if EMAIL.match(email) else "x-email"] = email
        if authority.get("url"):
            node["supervisoryAuthority"]["x-url"] = authority["url"]
    return node
