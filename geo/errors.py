"""Name the one error every Faultlines error descends from.

Each domain error (a store that cannot be read, a place id that does not exist, a broken article
file, a bad link parameter…) subclasses :class:`FaultlinesError` *and* the built-in exception it
resembles (``ValueError``, ``KeyError``, ``RuntimeError``…). Callers that show errors to people —
the command line and the dashboard — catch :class:`FaultlinesError` and print its message as one
line; code that expects a built-in keeps working.

The domain errors live beside the code that raises them; ``tests/test_code_quality.py`` checks
that every exception class defined in the package subclasses this base.
"""

from __future__ import annotations


class FaultlinesError(Exception):
    """Base of every error Faultlines raises on purpose; its message is one line for people."""
