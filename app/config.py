"""Settings, read once from the environment (prefix-free, e.g. ``DATABASE_URL``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "register.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL; SQLite by default, postgresql+psycopg://... in production.",
    )
    seed_dir: Path = PROJECT_ROOT / "seed_data"
    # The pool and the thread pool are sized together: every sync route holds
    # one connection for its whole run, so a pool smaller than the number of
    # worker threads makes threads queue on the pool while holding nothing.
    db_pool_size: int = 20
    db_max_overflow: int = 10
    db_pool_timeout: float = 5.0
    thread_pool_size: int = 40
    max_page_size: int = 500
    default_page_size: int = 50
    public_max_age: int = 5
    public_stale_while_revalidate: int = 30


@lru_cache
def get_settings() -> Settings:
    return Settings()
