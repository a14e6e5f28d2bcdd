"""Backups of the embedded engine's store, and restoring one into an empty data folder.

A backup is a folder: ``graph.rdb``, a point-in-time snapshot of everything the engine holds
(the graph, API keys, sessions, the audit trail), written by the engine while it serves and
writes go on (``FalkorDBStore.snapshot``), and ``manifest.json``, which names the file with its
size and SHA-256 checksum, when it was taken and the graph's schema version then. Restoring
checks the checksum and makes the snapshot the base of a new data folder's append-only files;
the engine loads it when it starts there.
"""

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from crm.errors import InvalidInput
from crm.graph.embedded import APPEND_DIR, APPEND_FILE
from crm.graph.falkordb import FalkorDBStore
from crm.graph.schema_version import stored_version
from crm.graph.store import GraphStore

FORMAT = "crm-backup/1"
SNAPSHOT = "graph.rdb"
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    """What a backup folder holds."""

    format: str
    taken_at: str
    schema_version: int | None
    file: str
    bytes: int
    sha256: str

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**data)
        except FileNotFoundError:
            raise InvalidInput(f"{folder} is no backup: it has no {MANIFEST}") from None
        except (OSError, ValueError, TypeError) as error:
            raise InvalidInput(f"{path} cannot be read: {error}") from None
        if manifest.format != FORMAT:
            raise InvalidInput(f"{path}: unknown backup format {manifest.format!r}")
        return manifest


async def backup(store: GraphStore, target: Path, taken_at: str) -> Manifest:
    """Write a backup of the embedded engine's store to the folder ``target`` (made; it must
    not exist or be empty). ``InvalidInput`` for another engine or a target in use."""
    if not isinstance(store, FalkorDBStore):
        raise InvalidInput(
            "crm backup copies the embedded engine's store; back Neo4j up with "
            "`neo4j-admin database dump`"
        )
    new_folder(target, "the backup folder")
    version = await stored_version(store)
    engine_dir = store.data_dir
    assert engine_dir is not None  # a store by URL is refused by ``snapshot``
    # One backup at a time per data folder: each moves the engine's one snapshot file away.
    with FileLock(engine_dir / "backup.lock"):
        snapshot = await store.snapshot()
        destination = target / SNAPSHOT
        try:
            os.replace(snapshot, destination)
        except OSError:  # another file system
            shutil.copyfile(snapshot, destination)
            snapshot.unlink()
    manifest = Manifest(
        FORMAT, taken_at, version, SNAPSHOT, destination.stat().st_size, _sha256(destination)
    )
    (target / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n", "utf-8")
    return manifest


def restore(source: Path, data_dir: Path) -> Manifest:
    """Check the backup in ``source`` and make it the data of the new data folder
    ``data_dir`` (it must not exist or be empty); the engine loads it when it next starts
    there. ``InvalidInput`` for a checksum that does not match, or a folder in use."""
    manifest = Manifest.read(source)
    snapshot = source / manifest.file
    if not snapshot.is_file():
        raise InvalidInput(f"the backup in {source} lacks its snapshot {manifest.file}")
    if snapshot.stat().st_size != manifest.bytes or _sha256(snapshot) != manifest.sha256:
        raise InvalidInput(
            f"{snapshot} does not match the checksum in its manifest: the backup is damaged"
        )
    new_folder(data_dir, "the data folder to restore into")
    append_dir = data_dir / APPEND_DIR
    append_dir.mkdir()
    base = f"{APPEND_FILE}.1.base.rdb"
    shutil.copyfile(snapshot, append_dir / base)
    (append_dir / f"{APPEND_FILE}.manifest").write_text(
        f"file {base} seq 1 type b\n", encoding="utf-8"
    )
    return manifest


def new_folder(folder: Path, what: str) -> None:
    """Make ``folder`` (for its owner only) unless it exists; refuse one that holds anything."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidInput(f"{what} {folder} is not empty; give a new or empty folder")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # personal data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
