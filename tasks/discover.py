"""Find the input files: a deterministic walk of each input root, then batches by bytes.

Hidden files and folders (name starts with ``.``) are skipped, and so are symlinked
folders (no loops, no escaping the root).  A symlinked *file* is read when it resolves
inside its input root; one that points outside is still yielded, with ``refused`` set,
so the batch records it as a ``rejects`` row (reason ``error``) without reading it; so is a
symlink that leads nowhere (a missing target, a loop).
An object-storage root (``s3://bucket/prefix``) is walked the same way, one listing
per "folder" (key prefix up to a ``/``).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tasks.storage import is_remote

log = logging.getLogger(__name__)

DEFAULT_BATCH_BYTES = 32 * 1024 * 1024
# A batch is seconds of cleaning (about 1 ms a news article), so that Prefect's cost per task (its
# state changes, logs and the server's share: about 0.1 s of CPU) stays near 2% of it.
DEFAULT_BATCH_FILES = 4000
BATCHES_PER_WORKER = 4
MIN_BALANCED_BATCH_BYTES = 2 * 1024 * 1024  # a few seconds of cleaning: Prefect's ~0.1 s a task stays small
OUTSIDE_ROOT = "symlink points outside the input root; not read"
BROKEN_LINK = "symlink leads nowhere (missing target or a loop)"


@dataclass(frozen=True)
class FileRef:
    """One input file: ``rel_path`` (``/`` separators) is its ``source_path``."""

    root: str
    rel_path: str
    path: str
    size: int
    refused: str | None = None


def is_hidden(name: str) -> bool:
    """Dot files and dot folders are hidden.

    >>> is_hidden('.DS_Store'), is_hidden('a.txt')
    (True, False)
    """
    return name.startswith(".")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _file_ref(root: str, entry: os.DirEntry) -> FileRef | None:
    """A ``FileRef`` for ``entry`` when it is a regular file (through a symlink inside the root).

    Strings, not ``pathlib``, and the entry's own ``stat``: this runs once per input file.
    """
    rel = entry.path[len(root.rstrip(os.sep)) + 1:]
    if entry.is_symlink():
        try:
            target = Path(entry.path).resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # RuntimeError: a loop, before Python 3.13
            return FileRef(root, rel, entry.path, 0, refused=f"{BROKEN_LINK}: {exc}")
        if target.is_dir():
            return None
        if not _inside(target, Path(root)):
            return FileRef(root, rel, entry.path, 0, refused=f"{OUTSIDE_ROOT} ({target})")
    try:
        st = entry.stat()
    except OSError as exc:
        log.warning("skipping %s: %s", entry.path, exc)
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return FileRef(root, rel, entry.path, st.st_size)


def _entries(folder: str) -> list[os.DirEntry]:
    """The entries of ``folder`` sorted by name; none (and a warning) when it cannot be listed."""
    try:
        return sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        log.warning("skipping folder %s: %s", folder, exc)
        return []


def _walk(root: str, skip: frozenset[str]) -> Iterator[FileRef]:
    """Depth first with a stack of folder listings (no recursion limit on deep trees)."""
    stack = [iter(_entries(root))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
        elif is_hidden(entry.name):
            continue
        elif entry.is_dir(follow_symlinks=False):
            if entry.path not in skip:
                stack.append(iter(_entries(entry.path)))
        elif (ref := _file_ref(root, entry)) is not None:
            yield ref


def _walk_objects(fs, folder: str, root: str, root_uri: str, skip: frozenset[str]) -> Iterator[FileRef]:
    listing = fs.ls(folder, detail=True, refresh=True)
    for info in sorted(listing, key=lambda i: i["name"].rstrip("/").rsplit("/", 1)[-1]):
        name = info["name"].rstrip("/")
        if is_hidden(name.rsplit("/", 1)[-1]) or name == folder:
            continue
        if info["type"] == "directory":
            if name not in skip:
                yield from _walk_objects(fs, name, root, root_uri, skip)
        elif info["type"] == "file":
            rel = name[len(root) + 1:]
            yield FileRef(root_uri, rel, f"{root_uri}/{rel}", int(info["size"] or 0))


def walk_root(root: str | os.PathLike, skip: Iterable[str | os.PathLike] = ()) -> Iterator[FileRef]:
    """Every non-hidden file under ``root``, in sorted order, folders in place (``a``, ``b/c``, ``d``).

    Folders in ``skip`` (e.g. the warehouse, when it sits inside the input) are not entered.
    ``root`` is a local folder or an object-storage location (``rinse.config.location``).
    """
    skip = [p for p in skip if is_remote(p) == is_remote(root)]
    if is_remote(root):
        base = root.path.rstrip("/")
        yield from _walk_objects(root.fs, base, base, str(root).rstrip("/"),
                                 frozenset(p.path.rstrip("/") for p in skip))
        return
    yield from _walk(str(Path(root).resolve()), frozenset(str(Path(p).resolve()) for p in skip))


def discover(roots: Iterable[str | os.PathLike], skip: Iterable[str | os.PathLike] = ()) -> Iterator[FileRef]:
    """Walk each root in turn; a ``source_path`` already found under an earlier root is skipped."""
    seen: set[str] = set()
    skip = tuple(skip)
    for root in roots:
        for ref in walk_root(root, skip):
            if ref.rel_path in seen:
                log.warning("skipping %s: source_path %r already came from an earlier input", ref.path,
                            ref.rel_path)
                continue
            seen.add(ref.rel_path)
            yield ref


def balanced_batch_bytes(total_bytes: int, n_files: int, workers: int,
                         max_bytes: int = DEFAULT_BATCH_BYTES) -> int:
    """Where a batch of ``n_files`` files of ``total_bytes`` closes so that each of ``workers`` gets
    several batches (no worker idles while another finishes one big batch), between
    ``MIN_BALANCED_BATCH_BYTES`` and ``max_bytes``.

    A batch closes before the file that would take it past its size, about half a file short of
    it: room for one more file keeps the files left over from making one more, small batch.

    >>> [round(balanced_batch_bytes(24 * 2**20, 4000, workers=n) / 2**20, 3) for n in (1, 2, 8)]
    [32.0, 3.006, 2.0]
    """
    if workers <= 1:
        return max_bytes
    share = total_bytes // (workers * BATCHES_PER_WORKER) + total_bytes // max(n_files, 1)
    return max(min(MIN_BALANCED_BATCH_BYTES, max_bytes), min(max_bytes, share))


def batches(refs: Iterable[FileRef], max_bytes: int = DEFAULT_BATCH_BYTES,
            max_files: int = DEFAULT_BATCH_FILES) -> Iterator[list[FileRef]]:
    """Group refs in order; a batch closes before it would pass ``max_bytes`` or ``max_files``.

    >>> refs = [FileRef('r', str(i), str(i), 10) for i in range(5)]
    >>> [len(b) for b in batches(refs, max_bytes=25)]
    [2, 2, 1]
    """
    batch: list[FileRef] = []
    size = 0
    for ref in refs:
        if batch and (size + ref.size > max_bytes or len(batch) >= max_files):
            yield batch
            batch, size = [], 0
        batch.append(ref)
        size += ref.size
    if batch:
        yield batch
