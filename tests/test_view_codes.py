"""The codes a list column of every event names, held as arrays (:mod:`geo.view.codes`)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from geo.view.archive import list_hits
from geo.view.codes import EventCodes, smallest_unsigned


def test_the_codes_name_what_the_list_kernels_find() -> None:
    rng = np.random.default_rng(5)
    names = [f"C{n}" for n in range(300)]  # more codes than a byte holds
    lists: list[list[str | None] | None] = []
    for _ in range(2_000):
        draw = rng.random()
        if draw < 0.1:
            lists.append(None)
        elif draw < 0.2:
            lists.append([])
        else:
            picked: list[str | None] = [str(n) for n in rng.choice(names, rng.integers(1, 4))]
            if draw > 0.95:
                picked.append(None)
            lists.append(picked)
    column = pa.chunked_array(
        [pa.array(lists[:700], pa.list_(pa.string())), pa.array(lists[700:], pa.list_(pa.string()))]
    )
    codes = EventCodes.of(column)
    assert codes.codes.dtype == np.uint16
    assert codes.counts.dtype == np.uint8
    for wanted in ({"C1"}, {"C7", "C250", "nothing"}, set(), {"nothing"}, set(names)):
        np.testing.assert_array_equal(codes.naming(wanted), list_hits(column, wanted))
    empty = EventCodes.of(pa.chunked_array([], pa.list_(pa.string())))
    assert len(empty.naming({"C1"})) == 0
    missing = EventCodes.of(pa.nulls(4))
    np.testing.assert_array_equal(missing.naming({"C1"}), np.zeros(4, dtype=bool))


def test_the_smallest_unsigned_type_holds_the_largest_value() -> None:
    assert smallest_unsigned(0) is np.uint8
    assert smallest_unsigned(255) is np.uint8
    assert smallest_unsigned(256) is np.uint16
    assert smallest_unsigned(70_000) is np.uint32
