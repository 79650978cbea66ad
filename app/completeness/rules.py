"""The audit's rules. Each rule looks at the register content only and reports
one finding per entity concerned, in plain English, so that a council sees
exactly what to add to its notice. Severity "error" is kept for what the law
requires outright (a lawful basis, an Article 9 condition, a way to reach
the DPO); what Article 30 asks for "where possible" or the ICO template
suggests is a "warning"."""

from __future__ import annotations

from app.completeness.findings import Found, Rule, Severity, ref
from app.exports.content import RegisterView, State

REDACTED = "[email protected]"
OBLIGATION_BASES = frozenset({"article-6-1-c", "article-6-1-e"})


def _redacted(state: State) -> bool:
    return any(REDACTED in source["quote"] for source in state.get("sources", []))


# --- sharing arrangements ------------------------------------------------------


def sharing_without_data_categories(view: RegisterView) -> Found:
    for sharing in view.section("sharing"):
        if not sharing["data_categories"]:
            yield (
                (ref("sharing", sharing),),
                f"“{sharing['name']}” does not say which personal data are shared.",
            )


def sharing_without_lawful_basis(view: RegisterView) -> Found:
    for sharing in view.section("sharing"):
        if not sharing["lawful_bases"]:
            yield (
                (ref("sharing", sharing),),
                f"“{sharing['name']}” states no UK GDPR Article 6 lawful basis.",
            )


def sharing_without_legislation(view: RegisterView) -> Found:
    for sharing in view.section("sharing"):
        bases = set(sharing["lawful_bases"])
        if sharing["legislation"] or (bases and not bases & OBLIGATION_BASES):
            continue
        yield (
            (ref("sharing", sharing),),
            f"“{sharing['name']}” cites no law: a legal obligation or public task "
            "must rest on a stated law (Article 6(3)).",
        )


# --- data categories -------------------------------------------------------------


def special_without_condition(view: RegisterView) -> Found:
    for category in view.section("data_categories"):
        if category["special_category"] and not category["article9_condition"]:
            yield (
                (ref("data-categories", category),),
                f"“{category['name']}” is special category data but no Article 9(2) "
                "condition for processing it is stated.",
            )


def category_without_retention(view: RegisterView) -> Found:
    covered: set[str] = set()
    for rule in view.section("retention_rules"):
        if rule["duration"]:
            for slug in rule["data_categories"]:
                covered.add(slug)
                covered.update(view.descendants(slug))
    for category in view.section("data_categories"):
        if category["slug"] not in covered:
            yield (
                (ref("data-categories", category),),
                f"No retention period is stated for “{category['name']}”.",
            )


# --- recipients ------------------------------------------------------------------


def processor_without_contract(view: RegisterView) -> Found:
    for recipient in view.section("recipients"):
        if recipient["role"] == "processor" and not recipient["contract_reference"]:
            yield (
                (ref("recipients", recipient),),
                f"“{recipient['name']}” processes data for the controller but no "
                "contract (Article 28(3)) is referenced.",
            )


def recipient_without_purpose(view: RegisterView) -> Found:
    for recipient in view.section("recipients"):
        slug = recipient["slug"]
        arrangements = [s for s in view.section("sharing") if s["recipient"] == slug]
        collections = [c for c in view.section("data_collections") if c["owner"] == slug]
        if any(s["purposes"] for s in arrangements) or any(c["purposes"] for c in collections):
            continue
        yield (
            (ref("recipients", recipient), *(ref("sharing", s) for s in arrangements)),
            f"The notice does not say why data are shared with “{recipient['name']}”.",
        )


# --- the controller --------------------------------------------------------------


def dpo_contact_missing(view: RegisterView) -> Found:
    dpo = view.controller["dpo"]
    if not any(dpo.get(key) for key in ("email", "phone", "address", "url")):
        yield (
            (ref("controllers", view.controller, "dpo"),),
            "No contact details of the data protection officer are given.",
        )


def email_not_stated(view: RegisterView) -> Found:
    controller = view.controller
    if not controller["dpo"].get("email"):
        how = " (the notice shows it redacted)" if _redacted(controller) else ""
        yield (
            (ref("controllers", controller, "dpo.email"),),
            f"The data protection officer's e-mail address is not stated{how}.",
        )
    for sharing in view.section("sharing"):
        for index, condition in enumerate(sharing["conditions"]):
            if condition["kind"] != "restriction_right" or condition["contact_email"]:
                continue
            how = " (the notice shows it redacted)" if _redacted(condition) else ""
            yield (
                (ref("sharing", sharing, f"conditions.{index}.contact_email"),),
                f"“{sharing['name']}”: the e-mail address for asking to restrict what is "
                f"shared is not stated{how}.",
            )


def security_not_described(view: RegisterView) -> Found:
    if not view.controller["security_measures"]:
        yield (
            (ref("controllers", view.controller, "security_measures"),),
            "No general description of technical and organisational security measures.",
        )


def transfers_not_stated(view: RegisterView) -> Found:
    controller = view.controller
    status = controller["third_country_transfers"]
    if status == "not_stated":
        yield (
            (ref("controllers", controller, "third_country_transfers"),),
            "The notice does not say whether personal data are transferred outside the UK.",
        )
    elif status == "some" and not controller["third_country_details"]:
        yield (
            (ref("controllers", controller, "third_country_details"),),
            "Transfers outside the UK are made but the countries and safeguards are not named.",
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "sharing-without-lawful-basis",
        Severity.ERROR,
        "Sharing arrangements with no lawful basis",
        "UK GDPR Articles 6(1), 13(1)(c); ICO template: Article 6 lawful basis",
        sharing_without_lawful_basis,
    ),
    Rule(
        "special-category-without-article9-condition",
        Severity.ERROR,
        "Special category data with no Article 9 condition",
        "UK GDPR Article 9(2); ICO template: Article 9 condition",
        special_without_condition,
    ),
    Rule(
        "dpo-contact-missing",
        Severity.ERROR,
        "No contact details of the data protection officer",
        "UK GDPR Articles 13(1)(b), 30(1)(a)",
        dpo_contact_missing,
    ),
    Rule(
        "sharing-without-data-categories",
        Severity.WARNING,
        "Sharing arrangements with no stated data categories",
        "UK GDPR Articles 14(1)(d), 30(1)(c); ICO template: Categories of personal data",
        sharing_without_data_categories,
    ),
    Rule(
        "sharing-without-legislation",
        Severity.WARNING,
        "Sharing arrangements that cite no law",
        "UK GDPR Article 6(3)",
        sharing_without_legislation,
    ),
    Rule(
        "processor-without-contract",
        Severity.WARNING,
        "Processors with no contract reference",
        "UK GDPR Article 28(3); ICO template: Link to contract with processor",
        processor_without_contract,
    ),
    Rule(
        "data-category-without-retention",
        Severity.WARNING,
        "Data categories with no retention period",
        "UK GDPR Articles 13(2)(a), 30(1)(f); ICO template: Retention schedule",
        category_without_retention,
    ),
    Rule(
        "recipient-without-purpose",
        Severity.WARNING,
        "Recipients with no stated purpose",
        "UK GDPR Articles 13(1)(c) and (e), 30(1)(b) and (d)",
        recipient_without_purpose,
    ),
    Rule(
        "email-address-not-stated",
        Severity.WARNING,
        "E-mail addresses the notice does not give (redacted ones included)",
        "UK GDPR Articles 12(2), 13(1)(b); ICO template: contact details",
        email_not_stated,
    ),
    Rule(
        "security-measures-not-described",
        Severity.WARNING,
        "No description of security measures",
        "UK GDPR Article 30(1)(g); ICO template: security measures",
        security_not_described,
    ),
    Rule(
        "third-country-transfers-not-stated",
        Severity.WARNING,
        "No statement about transfers to third countries",
        "UK GDPR Articles 13(1)(f), 30(1)(e); ICO template: third countries",
        transfers_not_stated,
    ),
)
BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
