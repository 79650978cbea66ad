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
    # The pool and the thread pool are sized together (see app/cache/admission.py):
    # at most db_pool_size + db_max_overflow requests enter the routed path at
    # once, each holding at most one connection, and the thread pool is larger
    # than that, so an admitted request never waits for a connection or a
    # thread; the remaining headroom serves compression and version checks.
    db_pool_size: int = 20
    db_max_overflow: int = 10
    db_pool_timeout: float = 5.0
    thread_pool_size: int = 40
    # Response cache for public reads (app/cache/).
    response_cache_enabled: bool = True
    response_cache_max_bytes: int = Field(default=256 * 1024 * 1024, ge=0)
    cache_version_interval: float = Field(
        default=0.5, gt=0, description="Seconds between re-reads of the data version."
    )
    cache_version_max_age: float = Field(
        default=0.9, gt=0, description="An older reading of the data version is never trusted."
    )
    compress_min_bytes: int = 1024
    # Per-controller in-memory indexes for filtered /sharing (app/sharing/index.py).
    sharing_index_max_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    recent_snapshots_max_bytes: int = Field(default=128 * 1024 * 1024, ge=0)
    """Memory for the current registers kept per process (``RecentSnapshots``,
    one per controller read since its last write); 0 keeps none."""
    max_page_size: int = 500
    default_page_size: int = 50
    public_max_age: int = 5
    public_stale_while_revalidate: int = 30
    # Reliability and security (app/limits.py, app/auth/limiter.py, app/observability/).
    max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="Largest request body.")
    auth_failure_limit: int = Field(
        default=10, ge=1, description="Failed authentications per client IP before 429."
    )
    auth_failure_window: float = Field(
        default=60.0, gt=0, description="Seconds over which failed authentications count."
    )
    verify_cache_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long /api/v1/changes/verify reuses a verification of an unchanged log.",
    )
    verify_sweep_events: int = Field(
        default=1000,
        ge=0,
        description="Older events an incremental verification re-checks, in turn (0: none).",
    )
    verify_full_seconds: float = Field(
        default=600.0,
        ge=0,
        description="A verification is a full pass when the last full pass is this old.",
    )
    expensive_processes: int = Field(
        default=1,
        ge=0,
        description="Worker processes running expensive reads (verify, as_of and diff "
        "replays) per server process; 0 runs them in the server's threads.",
    )
    expensive_niceness: int = Field(
        default=10, ge=0, le=19, description="How much lower the workers' CPU priority is."
    )
    expensive_concurrency: int = Field(
        default=2, ge=1, description="Expensive reads (verify, as_of, diff) run at once per worker."
    )
    expensive_max_waiting: int = Field(
        default=64, ge=0, description="Expensive reads waiting their turn before 503."
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies (comma-separated addresses or networks, '*' for any) whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; none by default.",
    )
    log_level: str = "INFO"
    # The signed Merkle log of the audit trail (app/trail/log.py, docs/audit.md).
    log_key_file: Path | None = Field(
        default=None,
        description="Ed25519 private key (PEM) signing checkpoints; `sharing-register log "
        "key --out PATH` creates one. Unset: checkpoints are served unsigned.",
    )
    log_retired_keys: list[Path] = Field(
        default_factory=list,
        description="Keys signing no more, still listed at /api/v1/log/keys (JSON list).",
    )
    log_origin: str = Field(
        default="data-sharing-register", description="The log's name in its checkpoints."
    )
    # The OpenAPI document's info and servers (app/contract/info.py).
    api_contact_name: str = "Data Sharing Register operator"
    api_contact_url: str | None = None
    api_contact_email: str | None = None
    # UK public sector information is released under the OGL by default (The
    # National Archives' licensing framework); a deployment may say otherwise.
    api_license_name: str = "Open Government Licence v3.0"
    api_license_url: str = (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    api_server_url: str = Field(default="/", description="Base URL clients resolve paths against.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
