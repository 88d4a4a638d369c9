"""What the benchmarks share: bench/analytics.py loaded as a module (its PostgreSQL, database
and Django set-up helpers, and its generated 100-school municipality)."""

from __future__ import annotations

import importlib.util
import sys
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
