"""Imports every ORM model so that ``Base.metadata`` knows all tables."""

from __future__ import annotations


def load_all_models() -> None:
    import app.auth.models
    import app.register.models
    import app.trail.models
    import app.versions.models  # noqa: F401
