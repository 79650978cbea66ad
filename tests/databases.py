"""Throwaway databases for tests: SQLite files, or PostgreSQL databases created
through ``TEST_DATABASE_URL``'s server and dropped afterwards."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "TEST_DATABASE_URL"


def postgres_server_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@dataclass
class DatabaseFactory:
    """Creates databases of one backend; remembers them to drop at the end."""

    backend: str
    workdir: Path
    created: list[str] = field(default_factory=list)

    def _admin_url(self) -> str:
        server = postgres_server_url()
        assert server, f"{POSTGRES_ENV} is not set"
        return make_url(server).set(database="postgres").render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"dsr_test_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            path = self.workdir / f"{name}.sqlite3"
            if template is not None:
                shutil.copyfile(make_url(template).database or "", path)
            return f"sqlite:///{path}"
        admin = create_engine(self._admin_url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                clause = ""
                if template is not None:
                    clause = f' TEMPLATE "{make_url(template).database}"'
                conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        finally:
            admin.dispose()
        self.created.append(name)
        server = postgres_server_url()
        assert server
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self.backend == "sqlite" or not self.created:
            return
        admin = create_engine(self._admin_url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for name in self.created:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
