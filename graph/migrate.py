"""Moving a data directory from the old JSON graph file to the SQLite store, once, all or nothing.

An old ``facekg-graph.json`` found in the data directory is copied into a new
``facekg.sqlite3`` beside it (through :func:`graph.sync.copy_store`, which checks the
copy row for row), and is then renamed ``facekg-graph.json.migrated`` so it is kept but
never read again. The copy is built in a scratch directory and moved into place only
when complete, under a lock file, so two processes opening the directory at once
migrate it once and a crash mid-way leaves the old file in charge.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from pathlib import Path

from facekg.errors import StoreError
from graph import networkx_store, sqlite_store

LEGACY_FILE = networkx_store.FILE_NAME
MIGRATED_SUFFIX = ".migrated"
_LOG = logging.getLogger("facekg.migrate")


def migrate_if_needed(data_dir: Path | str) -> int | None:
    """Migrate ``data_dir``'s JSON graph file if there is one; returns the studies copied (None: nothing to do).

    Refuses (:class:`facekg.errors.StoreError`, saying what to do) when the directory
    already holds a SQLite store with studies: the two would disagree.
    """
    data_dir = Path(data_dir)
    legacy = data_dir / LEGACY_FILE
    if not legacy.exists():
        return None
    with open(data_dir / ".facekg-migrate.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        if not legacy.exists():  # another process migrated it while we waited
            return None
        return _migrate(data_dir, legacy)


def _migrate(data_dir: Path, legacy: Path) -> int:
    from graph.sync import copy_store

    target = data_dir / sqlite_store.FILE_NAME
    if target.exists():
        existing = sqlite_store.SqliteStore(data_dir)
        try:
            held = existing.stats().studies
        finally:
            existing.close()
        if held:
            raise StoreError(f"{data_dir} holds both the old graph file {LEGACY_FILE} and a store "
                             f"{sqlite_store.FILE_NAME} with {held} studies; move {LEGACY_FILE} out of the data "
                             "directory to keep the store, or move the store away to migrate the old file")
    scratch = Path(tempfile.mkdtemp(prefix=".facekg-migrating-", dir=data_dir))
    try:
        source = networkx_store.NetworkxStore(data_dir)
        copy = sqlite_store.SqliteStore(scratch)
        try:
            copied = copy_store(source, copy)
        finally:
            copy.close()
        for suffix in ("-wal", "-shm"):  # an empty store's journal must not be replayed onto the copy
            (data_dir / f"{sqlite_store.FILE_NAME}{suffix}").unlink(missing_ok=True)
        os.replace(scratch / sqlite_store.FILE_NAME, target)
        os.replace(legacy, legacy.with_name(LEGACY_FILE + MIGRATED_SUFFIX))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _LOG.warning("migrated %d studies from %s to %s; the old file is kept as %s%s", copied, LEGACY_FILE,
                 sqlite_store.FILE_NAME, LEGACY_FILE, MIGRATED_SUFFIX)
    return copied
