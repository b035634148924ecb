"""The codes a list column of every stored event names, held compactly for the views' filters.

A view filtered by actors or countries keeps the events naming one of its codes (an actor
code in ``actors``, a place of one of its countries in ``place_ids``). Tested on rows read
from the store, that costs a pass over every month part per view. :class:`EventCodes` reads
one list column of every event once per archive and holds it as the codes it names (a
dictionary and, per event, how many codes and which: about 2.3 bytes an event for the
actors and 3 for the place ids of a synthetic archive), so each view's test is a few NumPy
operations (:meth:`EventCodes.naming`), the rule of
:func:`geo.view.archive.list_hits`. Pure reads.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["EventCodes", "smallest_unsigned"]


def smallest_unsigned(largest: int) -> type[np.unsignedinteger]:
    """Return the smallest unsigned NumPy integer type that holds 0 to `largest`."""
    for kind in (np.uint8, np.uint16, np.uint32):
        if largest <= np.iinfo(kind).max:
            return kind
    return np.uint64


@dataclass(frozen=True, slots=True, eq=False)
class EventCodes:
    """The codes one list column of every event names (see the module docstring).

    Attributes
    ----------
    names
        The distinct codes the column holds (Arrow strings); code ``i`` stands for
        ``names[i]``, and ``len(names)`` for a missing element, which names nothing.
    counts
        How many elements each event's list holds (0 for an empty or missing list).
    codes
        The elements of every event's list, one after another in the events' order.
    """

    names: pa.Array
    counts: np.ndarray
    codes: np.ndarray

    @classmethod
    def of(cls, column: pa.ChunkedArray | pa.Array) -> EventCodes:
        """Return the codes of an Arrow list column (a null column: every list empty)."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
        if pa.types.is_null(column.type):
            return cls(
                pa.array([], pa.string()), np.zeros(len(column), np.uint8), np.zeros(0, np.uint8)
            )
        sizes = pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False)
        encoded = pc.dictionary_encode(pc.cast(pc.list_flatten(column), pa.string()))
        names = encoded.dictionary
        indices = pc.fill_null(encoded.indices, len(names)).to_numpy(zero_copy_only=False)
        largest = int(sizes.max()) if len(sizes) else 0
        return cls(
            names,
            sizes.astype(smallest_unsigned(largest)),
            indices.astype(smallest_unsigned(len(names))),
        )

    @property
    def nbytes(self) -> int:
        """Return the bytes the arrays and the dictionary hold."""
        return int(self.counts.nbytes + self.codes.nbytes + self.names.nbytes)

    def naming(self, wanted: Collection[str]) -> np.ndarray:
        """Return which events' lists hold at least one of `wanted` (booleans, one an event)."""
        hits = np.zeros(len(self.counts), dtype=bool)
        if not wanted or len(self.names) == 0:
            return hits
        chosen = pc.is_in(self.names, value_set=pa.array(sorted(wanted), pa.string()))
        member = np.append(chosen.to_numpy(zero_copy_only=False), False)  # a missing element
        named = np.concatenate(([0], np.cumsum(member[self.codes], dtype=np.int64)))
        ends = np.cumsum(self.counts, dtype=np.int64)
        hits[:] = named[ends] > named[ends - self.counts]
        return hits
