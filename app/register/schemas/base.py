"""The base of every entity schema: strict models, and entries whose facts
each carry their basis."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.register.basis import BasisMap, FactBasis, check, complete, explicit


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Based(StrictModel):
    """An entry whose facts each carry their basis (``app.register.basis``):
    writers give the entries that differ from the default, each naming a fact
    of the entry and agreeing with its value; every other fact gets its
    default, so a valid entry holds the basis of every fact."""

    basis: BasisMap = Field(default_factory=dict)

    @model_validator(mode="after")
    def _basis_of_every_fact(self) -> Based:
        state = self.model_dump(mode="json")
        state["basis"] = explicit(type(self), state)
        check(type(self), state)
        self.basis = {
            key: FactBasis.model_validate(entry)
            for key, entry in complete(type(self), state).items()
        }
        return self
