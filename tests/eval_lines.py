"""Real-looking lines for property tests of the classifier's quick tests: every line of the shared
textset-dev cases and of the held-out fixture, each also ending in a full stop of either script."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from tasks.decode import decode_bytes

SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "textset-dev" / "cases"
HELDOUT = Path(__file__).parent / "fixtures" / "heldout_boilerplate.json"


def heldout_lines() -> list[str]:
    """The boilerplate and content lines of the held-out fixture."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(HELDOUT.read_text("utf-8")))
    return found


@cache
def eval_lines() -> tuple[str, ...]:
    """Distinct stripped lines, each as it is and with "." and "。" after it."""
    texts = [decode_bytes(path.read_bytes()).text for path in sorted(SHARED_DEV.glob("*.txt"))]
    lines = {line.strip() for text in texts for line in text.splitlines()} | set(heldout_lines())
    lines.discard("")
    return tuple(sorted({variant for line in lines for variant in (line, line + ".", line + "。")}))
