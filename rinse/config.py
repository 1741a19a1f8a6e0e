"""Defaults and small helpers shared by the CLI and the flow (no Prefect imports here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Union
from urllib.parse import unquote, urlparse

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

if TYPE_CHECKING:
    from upath import UPath

# A local folder or file, or an object-storage one (``UPath`` has the ``Path`` API).
Location = Union[Path, "UPath"]

DEFAULT_INPUT = "seeds"
DEFAULT_WAREHOUSE = "warehouse"
DEFAULT_CRON = "0 * * * *"
DEFAULT_MAX_FILE_BYTES = 64 * 2**20  # a larger file (or gzip content) is rejected as too_large
DEFAULT_BATCH_TIMEOUT = 3600.0  # seconds; a batch of 32 MB takes well under a minute per worker
# Set before Prefect is imported: no telemetry, and a quiet console for a CLI, while the
# flow's and tasks' own INFO lines still reach the server (the run's log in the UI).
PREFECT_ENV_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
}


class UsageError(Exception):
    """The run cannot start (bad input or warehouse); the message is one line for stderr."""


def set_prefect_env_defaults() -> None:
    for key, value in PREFECT_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)


def is_uri(text: str) -> bool:
    """``scheme://...`` other than a Windows drive letter.

    >>> is_uri('s3://bucket/key'), is_uri('/data/in'), is_uri('C:/data')
    (True, False, False)
    """
    scheme = urlparse(text).scheme
    return len(scheme) > 1


def location(text: str | os.PathLike) -> Location:
    """A folder or file given as a path, a ``file://`` URI or an object-storage URI.

    Local locations are made absolute ``Path`` objects; ``s3://bucket/prefix`` (or any
    fsspec protocol) becomes a ``upath.UPath`` with the same path API (needs ``rinse[s3]``).
    Listings are not cached, so a long-running ``serve`` sees new objects.

    >>> location('file:///tmp/some%20dir').as_posix()
    '/tmp/some dir'
    """
    text = os.fspath(text)
    parsed = urlparse(text)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path)).resolve()
    if not is_uri(text):
        return Path(text).expanduser().resolve()
    try:
        from upath import UPath

        return UPath(text, use_listings_cache=False)
    except (ImportError, ValueError) as exc:
        raise UsageError(f"unsupported location {text!r}: {exc} (s3:// needs rinse[s3])") from exc


def input_roots(locations: list[str]) -> list[Location]:
    """The input folders, each checked to exist."""
    roots = [location(loc) for loc in locations]
    for root in roots:
        if not root.is_dir():
            raise UsageError(f"input folder {root} does not exist or is not a folder")
    return roots


def worker_count(workers: int | None) -> int:
    """Worker processes to use: the given count (at least 1), else one per CPU.

    >>> worker_count(3), worker_count(0)
    (3, 1)
    """
    return max(1, workers if workers is not None else os.cpu_count() or 1)


# Keys of a config file (``--config rinse.toml``): the long options, ``-`` or ``_`` alike.
CONFIG_KEYS = ("input", "warehouse", "workers", "batch_mb", "batch_files", "batch_timeout", "dask_address",
               "cron", "name")
CONFIG_PATHS = ("input", "warehouse")


def load_config(path: str | os.PathLike) -> dict:
    """Options from a TOML file; folders in it are relative to the file's folder.

    ``input`` may be one folder or a list.  Options given on the command line win.
    """
    file = Path(path).expanduser().resolve()
    try:
        values = tomllib.loads(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read config {file}: {exc}") from exc
    options = {key.replace("-", "_"): value for key, value in values.items()}
    unknown = sorted(set(options) - set(CONFIG_KEYS))
    if unknown:
        raise UsageError(f"unknown key(s) in {file}: {', '.join(unknown)} (known: {', '.join(CONFIG_KEYS)})")
    if isinstance(options.get("input"), str):
        options["input"] = [options["input"]]
    for key in CONFIG_PATHS:
        if key in options:
            options[key] = _relative_to(file.parent, options[key])
    return options


def _relative_to(folder: Path, value: str | list[str]) -> str | list[str]:
    if isinstance(value, list):
        return [_relative_to(folder, v) for v in value]
    return value if is_uri(value) else str(folder / Path(value).expanduser())
