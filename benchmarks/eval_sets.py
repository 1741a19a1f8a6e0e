"""Run rinse's cleaning core over an evaluation set and score it.

    python benchmarks/eval_sets.py ../shared/eval/textset-dev [--pred DIR] [--show-leaks N]
    python benchmarks/eval_sets.py ../shared/eval/external   [--pred DIR]

A text set has ``cases/*.txt`` and ``gold/*.json`` with ``damage``; the external set
has ``manifest.json``.  Predictions are written as the scorers beside the set expect
(``../score_textset.py`` / ``../score_eval.py``), then that scorer is run.  No Prefect:
this measures the cleaning core only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.clean import clean_document  # noqa: E402
from tasks.model import RejectError  # noqa: E402


def predict(path: Path) -> dict:
    """The prediction for one case file, in the scorers' format."""
    try:
        doc = clean_document(path.read_bytes(), path.name)
    except RejectError:
        return {"title": None, "published_date": None, "language": "und", "paragraphs": []}
    meta = doc.metadata
    return {
        "title": meta.title,
        "published_date": meta.published_date.isoformat() if meta.published_date else None,
        "language": doc.language,
        "paragraphs": [{"kind": p.kind, "text": p.text} for p in doc.paragraphs],
    }


def predict_mojibake(set_dir: Path, pred_dir: Path) -> None:
    from tasks.repair import repair_text

    lines = (set_dir / "mojibake.jsonl").read_text("utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line]
    with open(pred_dir / "mojibake.jsonl", "w", encoding="utf-8") as out:
        for case in cases:
            out.write(json.dumps({"id": case["id"], "output": repair_text(case["corrupted"])[0]}) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("--pred", type=Path, help="keep predictions here (default: a temporary folder)")
    ap.add_argument("--show-leaks", type=int, default=0)
    ap.add_argument("--json", help="write the scorer's JSON here")
    args = ap.parse_args()
    set_dir = args.set_dir.resolve()
    pred_dir = args.pred or Path(tempfile.mkdtemp(prefix="rinse-pred-"))
    pred_dir.mkdir(parents=True, exist_ok=True)
    external = (set_dir / "manifest.json").exists()
    for case in sorted((set_dir / "cases").iterdir()):
        pred = predict(case)
        if external:
            pred = {"paragraphs": [p["text"] for p in pred["paragraphs"]]}
        (pred_dir / (case.stem + ".json")).write_text(json.dumps(pred, ensure_ascii=False), "utf-8")
    scorer = set_dir.parent / ("score_eval.py" if external else "score_textset.py")
    cmd = [sys.executable, str(scorer), str(set_dir), str(pred_dir)]
    if external:
        predict_mojibake(set_dir, pred_dir)
    elif args.show_leaks:
        cmd += ["--show-leaks", str(args.show_leaks)]
    if args.json:
        cmd += ["--json", args.json]
    print(f"predictions in {pred_dir}", file=sys.stderr)
    return subprocess.call(cmd, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


if __name__ == "__main__":
    sys.exit(main())
