"""File operations that differ between a local folder and object storage (``s3://``).

Locations come from ``rinse.config.location``: a ``pathlib.Path``, or a ``upath.UPath``
(fsspec) for object storage, which has the same path API.  What has no common API is
here: making a whole file appear at once, moving a file, removing a folder, and handing a
file to pyarrow.

On object storage there are no folders and no rename, but a PUT is atomic: an object
becomes visible whole or not at all (a multipart upload too, at its completion).
"""

from __future__ import annotations

import io
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from rinse.config import Location, is_uri, location

TMP_PREFIX = ".part-"


def is_remote(path: Location) -> bool:
    """True for an object-storage location (a ``UPath`` with a non-local protocol)."""
    return getattr(path, "protocol", "") not in ("", "file", "local")


def as_location(text: str) -> Location:
    """A path string made by this package (absolute path or URI) back into a location."""
    return location(text) if is_uri(text) else Path(text)


def make_dirs(path: Location) -> None:
    """Create a local folder and its parents; object storage needs none."""
    if not is_remote(path):
        path.mkdir(parents=True, exist_ok=True)


def write_atomic(dest: Location, write: Callable[[BinaryIO], object]) -> Location:
    """Make ``dest`` hold what ``write`` writes to the file it is given, never visible half-written.

    Locally through a hidden ``.part-*.tmp`` file in the same folder and ``os.replace``;
    on object storage by one upload of the whole object.
    """
    if is_remote(dest):
        buffer = io.BytesIO()
        write(buffer)
        dest.fs.pipe_file(dest.path, buffer.getvalue())
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "wb") as out:
            write(out)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def move(src: Location, dest: Location) -> Location:
    """Give the file ``src`` the name ``dest``, which appears whole.

    Locally ``os.replace`` (both in the warehouse, so on one filesystem); on object
    storage a server-side copy, then ``src`` is deleted.
    """
    if is_remote(dest):
        dest.fs.mv(src.path, dest.path)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dest)
    return dest


def create_exclusive(data: bytes, dest: Location) -> None:
    """Create ``dest`` only if it does not exist (``FileExistsError`` otherwise).

    On object storage a conditional PUT (``If-None-Match: *``) decides atomically.
    """
    if is_remote(dest):
        dest.fs.pipe_file(dest.path, data, mode="create")
        return
    with open(dest, "xb") as out:
        out.write(data)


def remove_tree(path: Location) -> None:
    """Remove a folder (every object under a prefix) if it exists."""
    if not is_remote(path):
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.fs.rm(path.path, recursive=True)


def arrow_source(path: Location) -> dict[str, Any]:
    """Keyword arguments that let pyarrow read ``path`` (``source`` and ``filesystem``)."""
    if is_remote(path):
        return {"source": path.path, "filesystem": path.fs}
    return {"source": path}
