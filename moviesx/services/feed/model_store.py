"""The model in the cache, split so that no single value exceeds MAX_CHUNK_BYTES (Redis refuses values above its
proto-max-bulk-len, and one huge value blocks Redis while it is copied).

The factor arrays are pickled into one blob and cut into chunks stored under keys that carry the model's version;
a small manifest under the model key lists the chunk count, the size and a digest of the blob. Reading checks the
manifest's version, that every chunk is there, the size and the digest: any miss is no model, never a half model.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from typing import Any

import numpy as np

from moviesx.extensions import cache

log = logging.getLogger("moviesx.recommender")
MAX_CHUNK_BYTES = 256 * 2**20
MANIFEST_FIELDS = {"version", "chunks", "bytes", "sha256"}


def chunk_keys(model_key: str, manifest: dict[str, Any]) -> list[str]:
    return [f"{model_key}:{manifest['version']}:{index}" for index in range(manifest["chunks"])]


def write(model_key: str, manifest: dict[str, Any], arrays: dict[str, np.ndarray], chunk_bytes: int) -> dict[str, Any]:
    """Store the arrays' chunks, then the manifest (which `manifest` is completed into and returned)."""
    blob = pickle.dumps(arrays, protocol=pickle.HIGHEST_PROTOCOL)
    size = max(1, min(chunk_bytes, MAX_CHUNK_BYTES))
    manifest = {**manifest, "chunks": -(-len(blob) // size), "bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
    keys = chunk_keys(model_key, manifest)
    for index, key in enumerate(keys):
        if not cache.set(key, blob[index * size : (index + 1) * size], timeout=0):
            delete_chunks(model_key, manifest)
            raise RuntimeError("The model could not be stored in the cache")
    if not cache.set(model_key, manifest, timeout=0):
        delete_chunks(model_key, manifest)
        raise RuntimeError("The model could not be stored in the cache")
    return manifest


def read(model_key: str, version: str | None = None) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """(manifest, arrays) of the stored model, or None when it is missing, incomplete or of another version."""
    manifest = cache.get(model_key)
    if not isinstance(manifest, dict) or not MANIFEST_FIELDS <= manifest.keys():
        return None  # nothing stored, or a model stored by an older release in one value
    if version is not None and manifest["version"] != version:
        return None
    chunks = cache.get_many(*chunk_keys(model_key, manifest))
    if any(not isinstance(chunk, bytes) for chunk in chunks):
        log.warning("The stored model %s misses a chunk: no model", manifest["version"])
        return None
    blob = b"".join(chunks)
    if len(blob) != manifest["bytes"] or hashlib.sha256(blob).hexdigest() != manifest["sha256"]:
        log.warning("The stored model %s does not match its manifest: no model", manifest["version"])
        return None
    return manifest, pickle.loads(blob)  # noqa: S301 - written by `write` into our own cache


def delete_chunks(model_key: str, manifest: dict[str, Any] | None) -> None:
    if manifest and manifest.get("chunks"):
        cache.delete_many(*chunk_keys(model_key, manifest))
