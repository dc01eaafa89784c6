"""One timed measurement in a fresh interpreter; prints a JSON line. Used by bench/run.py.

    python bench/child.py validate PROJECT   `playbook validate` in PROJECT (what the CLI runs)
    python bench/child.py yaml PROJECT       yaml.load(..., CSafeLoader) of the same files

Both read the same files from disk; the timers start after the imports, so the figures compare
the work itself: CPU time (which load from other processes on the machine barely changes) and
wall time. Each run is a new process: nothing is cached from an earlier run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path


def data_files(root: Path) -> list[Path]:
    """Every YAML file `playbook validate` reads: playbooks, registries, library-wide files."""
    return sorted(p for p in [*root.glob("*.yaml"), *root.glob("*/*.yaml")] if p.is_file())


def main() -> None:
    mode, project = sys.argv[1], Path(sys.argv[2])
    os.chdir(project)
    if mode == "yaml":
        import yaml

        loader = yaml.CSafeLoader
        start, cpu = time.perf_counter(), time.process_time()
        files = data_files(Path("playbook_data"))
        for path in files:
            yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        seconds, cpu, code = time.perf_counter() - start, time.process_time() - cpu, 0
    elif mode == "validate":
        from playbook.cli import main as cli

        err = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stderr(err):
            code = cli(["validate"])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if code != 0:
            sys.stderr.write(err.getvalue())
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"seconds": seconds, "cpu": cpu, "code": code}))


if __name__ == "__main__":
    main()
