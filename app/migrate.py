"""Running Alembic migrations from code (CLI, serve, tests)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config

from app.config import PROJECT_ROOT


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic's line per revision stays out of the service's log (the
    commands print their own summary); its warnings and errors still show."""
    logger = logging.getLogger("alembic")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def upgrade(url: str, revision: str = "head") -> None:
    with _quiet_alembic():
        command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    with _quiet_alembic():
        command.downgrade(alembic_config(url), revision)
