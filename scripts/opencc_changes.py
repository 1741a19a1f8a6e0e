"""Write ``tasks/opencc_changes.py``: for each OpenCC conversion ``tasks.language`` runs, the
characters it may change and those it changes wherever they are, read from the dictionaries of
the installed OpenCC (dumped with its ``opencc_dict``)::

    python3 scripts/opencc_changes.py     # after an upgrade of OpenCC

A conversion normalizes the text with one dictionary, then converts it with another (a group of
dictionaries): at each place, a key that starts there (the text is copied where none does) is
replaced by one of its values.  Every value has the length of its key (this script checks it), so
a character is changed only where a key holds it and a value another character (``CHANGEABLE``);
and one that is a key by itself is always in some key, so it is changed wherever it is when no
value of any key keeps it, nor normalizes it, nor may leave it (a dictionary that ``may output
tofu``: ``ALWAYS_CHANGED``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import opencc

REPO = Path(__file__).resolve().parents[1]
MODULE = REPO / "tasks" / "opencc_changes.py"
CLIB = Path(opencc.__file__).parent / "clib"
OPENCC_DICT = CLIB / "bin" / "opencc_dict"
CONFIGS = ("t2s", "s2t")
LINE_CHARS = 90


class Dictionary(NamedTuple):
    file: str
    normalizes: bool
    may_output_tofu: bool


def dictionaries(node: dict, normalizes: bool) -> Iterator[Dictionary]:
    """The ``ocd2`` dictionaries of a dictionary of an OpenCC config, groups unfolded."""
    if node["type"] == "group":
        for child in node["dicts"]:
            yield from dictionaries(child, normalizes)
    else:
        yield Dictionary(node["file"], normalizes, node.get("may_output_tofu", False))


def config_dictionaries(config: str) -> list[Dictionary]:
    """The dictionaries of a conversion, normalization first; fails on a chain of conversions."""
    spec = json.loads((CLIB / "share" / "opencc" / f"{config}.json").read_text(encoding="utf-8"))
    if len(spec["conversion_chain"]) != 1:
        sys.exit(f"{config}: a chain of conversions (one may change back what another changed)")
    steps = [(step, True) for step in spec.get("normalization", [])] + [(spec["conversion_chain"][0], False)]
    return [found for step, normalizes in steps for found in dictionaries(step["dict"], normalizes)]


def entries(file: str) -> Iterator[tuple[str, list[str]]]:
    """(key, values) of one dictionary; fails on a value of another length than its key."""
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "dict.txt"
        subprocess.run([str(OPENCC_DICT), "-i", str(CLIB / "share" / "opencc" / file),
                        "-o", str(text), "-f", "ocd2", "-t", "text"], check=True)
        for line in text.read_text(encoding="utf-8").splitlines():
            key, values = line.split("\t")
            if any(len(value) != len(key) for value in values.split(" ")):
                sys.exit(f"{file}: {key} -> {values} changes the length")
            yield key, values.split(" ")


def changes(config: str) -> tuple[str, str]:
    """The characters a conversion may change, and those it changes wherever they are, sorted."""
    changeable, kept, alone = set(), set(), set()
    for dictionary in config_dictionaries(config):
        for key, values in entries(dictionary.file):
            for value in values:
                changeable.update(a for a, b in zip(key, value, strict=True) if a != b)
                kept.update(a for a, b in zip(key, value, strict=True) if a == b)
            if dictionary.normalizes or dictionary.may_output_tofu:
                kept.update(key)
            elif len(key) == 1:
                alone.add(key)
    return "".join(sorted(changeable)), "".join(sorted(alone - kept))


def table(name: str, chars: dict[str, str]) -> str:
    """``name = {config: chars}`` in Python, wrapped."""
    return (f"{name} = {{\n"
            + "".join(f'    "{config}": (\n'
                      + "".join(f'        "{line}"\n' for line in textwrap.wrap(text, LINE_CHARS))
                      + "    ),\n"
                      for config, text in chars.items())
            + "}\n")


def module_text() -> str:
    """The source of ``tasks/opencc_changes.py``."""
    found = {config: changes(config) for config in CONFIGS}
    return (f'"""What OpenCC {opencc.__version__}\'s conversions change: the characters each may change\n'
            "(``CHANGEABLE``) and those it changes wherever they are (``ALWAYS_CHANGED``), read from its\n"
            "dictionaries by ``scripts/opencc_changes.py`` (which says why); do not edit.\n"
            '"""\n\n'
            f'OPENCC_VERSION = "{opencc.__version__}"\n'
            + table("CHANGEABLE", {config: changeable for config, (changeable, _) in found.items()})
            # ``han_script`` wants the characters Traditional text surely has, not Simplified ones
            + table("ALWAYS_CHANGED", {"t2s": found["t2s"][1]}))


if __name__ == "__main__":
    MODULE.write_text(module_text(), encoding="utf-8")
