"""Demo data of the roadmaps app, loaded by `manage.py load_demo` after the registry."""

from __future__ import annotations

from msoko.models import User


def load_demo(*, specialist: User) -> str:
    """Load the demo data (idempotent); return a line for the command's output, or ""."""
    return ""
