"""IRIs for the nodes of one controller's register in the JSON-LD export."""

from __future__ import annotations

from urllib.parse import quote

from app.exports.content import RegisterView, State
from app.exports.jsonld.terms import LEGISLATION_ID, dpv_iri
from app.exports.readings import CONTROLLERS


class Iris:
    """The IRIs of one register's nodes: entities under the API's detail paths,
    Acts under their legislation.gov.uk identifiers, lawful bases as DPV terms."""

    def __init__(self, view: RegisterView, base_url: str) -> None:
        self.view = view
        self.api = base_url.rstrip("/") + "/api/v1/"
        self.controller = view.controller["slug"]
        self._register_iri = f"{self.api}register?controller={quote(self.controller)}"

    def iri(self, entity_type: str, slug: str) -> str:
        path = f"{self.api}{entity_type}/{quote(slug)}"
        if entity_type == "lawful-bases":
            return path
        return f"{path}?controller={quote(self.controller)}"

    def controller_iri(self) -> str:
        return f"{self.api}controllers/{quote(self.controller)}"

    def law_iri(self, law: State) -> str:
        if law["legislation_gov_uk_id"]:
            return LEGISLATION_ID + str(law["legislation_gov_uk_id"])
        return self.iri("legislation", law["slug"])

    def basis_iri(self, basis: State) -> str:
        return dpv_iri(basis["dpv_term"]) or self.iri("lawful-bases", basis["slug"])

    def register_iri(self) -> str:
        return self._register_iri

    def entity_iri(self, entity_type: str, state: State) -> str:
        if entity_type == CONTROLLERS:
            return self.controller_iri()
        if entity_type == "legislation":
            return self.law_iri(state)
        if entity_type == "lawful-bases":
            return self.basis_iri(state)
        return self.iri(entity_type, state["slug"])

    def linked_iri(self, entity_type: str, slug: str) -> str:
        state = self.view.get(entity_type.replace("-", "_"), slug)
        if state is None:
            return self.iri(entity_type, slug)
        return self.entity_iri(entity_type, state)
