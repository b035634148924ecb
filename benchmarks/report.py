"""Print benchmark figures as an indented table of dotted names."""

from __future__ import annotations

from typing import Any


def table(figures: dict[str, Any], prefix: str = "", *, width: int = 48) -> list[str]:
    """Return one ``  name  value`` line per figure, nested dictionaries as dotted names."""
    rows = []
    for key, value in figures.items():
        if isinstance(value, dict):
            rows += table(value, f"{prefix}{key}.", width=width)
        else:
            rows.append(f"  {prefix + key:<{width}} {value}")
    return rows
