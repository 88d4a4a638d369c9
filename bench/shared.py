"""What the benchmarks share: bench/analytics.py loaded as a module (its PostgreSQL, database
and Django set-up helpers, and its generated 100-school municipality), a statement counter
for `connection.execute_wrapper`, and running a script's phase in a process of its own."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load_analytics() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_analytics", ROOT / "bench" / "analytics.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


class SqlCounter:
    """A connection.execute_wrapper: the number and time of the statements."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def run_phase(script: str, *args: str) -> dict[str, Any]:
    """Run `script --phase ARGS` in a fresh process; its last output line is its JSON."""
    done = subprocess.run(
        [sys.executable, script, "--phase", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-6000:])
        raise SystemExit(f"шаг {args[0]} не удался (код {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])
