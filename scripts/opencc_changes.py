"""Write ``tasks/opencc_changes.py``: the characters each OpenCC conversion ``tasks.language`` runs
may change, read from the dictionaries of the installed OpenCC (dumped with its ``opencc_dict``)::

    python3 scripts/opencc_changes.py     # after an upgrade of OpenCC
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import opencc

REPO = Path(__file__).resolve().parents[1]
MODULE = REPO / "tasks" / "opencc_changes.py"
CLIB = Path(opencc.__file__).parent / "clib"
OPENCC_DICT = CLIB / "bin" / "opencc_dict"
CONFIGS = ("t2s", "s2t")
LINE_CHARS = 90


def dictionary_files(node: dict) -> Iterator[str]:
    """The ``ocd2`` files of a dictionary of an OpenCC config, groups unfolded."""
    if node["type"] == "group":
        for child in node["dicts"]:
            yield from dictionary_files(child)
    else:
        yield node["file"]


def config_files(config: str) -> list[str]:
    """The dictionaries a conversion applies, normalization first."""
    spec = json.loads((CLIB / "share" / "opencc" / f"{config}.json").read_text(encoding="utf-8"))
    steps = spec.get("normalization", []) + spec["conversion_chain"]
    return [file for step in steps for file in dictionary_files(step["dict"])]


def entries(file: str) -> Iterator[tuple[str, list[str]]]:
    """(key, values) of one dictionary."""
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "dict.txt"
        subprocess.run([str(OPENCC_DICT), "-i", str(CLIB / "share" / "opencc" / file),
                        "-o", str(text), "-f", "ocd2", "-t", "text"], check=True)
        for line in text.read_text(encoding="utf-8").splitlines():
            key, values = line.split("\t")
            yield key, values.split(" ")


def changeable(config: str) -> str:
    """The characters of the keys of a conversion's dictionaries at a place where a value holds
    another character, sorted; fails on a value of another length than its key."""
    chars = set()
    for file in config_files(config):
        for key, values in entries(file):
            for value in values:
                if len(value) != len(key):
                    sys.exit(f"{file}: {key} -> {value} changes the length")
                chars.update(a for a, b in zip(key, value, strict=True) if a != b)
    return "".join(sorted(chars))


def module_text() -> str:
    """The source of ``tasks/opencc_changes.py``."""
    tables = "".join(
        f'    "{config}": (\n'
        + "".join(f'        "{line}"\n' for line in textwrap.wrap(changeable(config), LINE_CHARS))
        + "    ),\n"
        for config in CONFIGS)
    return (f'"""The characters OpenCC {opencc.__version__}\'s conversions may change: every character of a\n'
            "key of their dictionaries at a place where one of its values holds another one (every\n"
            "value has the length of its key). Written by ``scripts/opencc_changes.py``; do not edit.\n"
            '"""\n\n'
            f'OPENCC_VERSION = "{opencc.__version__}"\n'
            f"CHANGEABLE = {{\n{tables}}}\n")


if __name__ == "__main__":
    MODULE.write_text(module_text(), encoding="utf-8")
