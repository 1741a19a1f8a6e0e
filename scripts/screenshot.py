"""Screenshot a real ``clean-corpus`` run in the Prefect UI, for the README.

Starts ``prefect server start`` on a free port with a temporary PREFECT_HOME, runs the
flow on ``seeds/`` against it, then has headless Chromium capture the run page and the
pages of its summary and removed-lines artifacts (Debian: ``apt-get install chromium
fonts-wqy-zenhei``, the font for the Chinese lines)::

    python3 scripts/screenshot.py     # writes docs/run-page.png, run-summary.png, run-removed-lines.png
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rinse.config import set_prefect_env_defaults  # noqa: E402
from rinse.server import flush_to_server, run_artifacts, running_server, ui_url  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--virtual-time-budget=20000"]


def screenshot(url: str, out: Path, size: str, chromium: str) -> None:
    """One PNG of ``url`` as a fresh headless Chromium renders it (the UI is a JavaScript app)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                        f"--screenshot={out}", url], check=True, capture_output=True, timeout=180)
    print(f"{out}: {out.stat().st_size // 1024} KB from {url}")


def run_flow(seeds: Path, warehouse: Path) -> tuple[str, dict[str, str]]:
    """Run clean-corpus against the server at PREFECT_API_URL; its id and its artifacts' ids by key."""
    from flows.clean_corpus import clean_corpus

    state = clean_corpus(inputs=[str(seeds)], warehouse=str(warehouse), workers=1, batch_files=3,
                         return_state=True)
    flush_to_server()
    flow_run_id = state.state_details.flow_run_id

    artifacts = run_artifacts(os.environ["PREFECT_API_URL"], str(flow_run_id))
    return str(flow_run_id), {a["key"]: a["id"] for a in artifacts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=REPO / "docs")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    set_prefect_env_defaults()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "prefect-home"
        env = {"PREFECT_HOME": str(home),
               "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db"}
        with running_server(env=env, log=Path(tmp) / "server.log") as api:
            os.environ.update(env, PREFECT_API_URL=api)
            flow_run_id, artifacts = run_flow(REPO / "seeds", Path(tmp) / "warehouse")
            ui = ui_url(api)
            screenshot(f"{ui}/runs/flow-run/{flow_run_id}", args.out_dir / "run-page.png", "1400,1250",
                       args.chromium)
            for key, name, size in (("clean-corpus-summary", "run-summary.png", "1400,1800"),
                                    ("clean-corpus-removed-lines", "run-removed-lines.png", "1400,1400")):
                screenshot(f"{ui}/artifacts/artifact/{artifacts[key]}", args.out_dir / name, size,
                           args.chromium)
    return 0


if __name__ == "__main__":
    sys.exit(main())
