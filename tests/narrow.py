"""Narrow rows made from the store's own reads: what the arrays a view holds are checked against."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.view.archive import first_days


def narrow_rows(table: pa.Table) -> pd.DataFrame:
    """Return ``type``, ``x``, ``y`` and ``first`` of scanned rows, as `Archive.located` does."""
    if table.num_rows == 0:
        return pd.DataFrame(
            {
                "type": pd.Categorical([]),
                "x": pd.Series(dtype="float64"),
                "y": pd.Series(dtype="float64"),
                "first": pd.Series(dtype="datetime64[ns]"),
            }
        )
    boxes = table.column("bbox")
    xs = pc.struct_field(boxes, "xmin").to_numpy() + pc.struct_field(boxes, "xmax").to_numpy()
    ys = pc.struct_field(boxes, "ymin").to_numpy() + pc.struct_field(boxes, "ymax").to_numpy()
    return pd.DataFrame(
        {
            "type": categories_of(table.column("type")),
            "x": xs / 2,
            "y": ys / 2,
            "first": first_days(table),
        }
    )


def categories_of(column: pa.ChunkedArray) -> pd.Categorical:
    """Return a string column as a pandas Categorical (no Python string per row)."""
    encoded = pc.dictionary_encode(column.combine_chunks() if column.num_chunks else column)
    return cast(
        "pd.Categorical",
        pd.Categorical.from_codes(
            cast("Any", encoded.indices.to_numpy(zero_copy_only=False)),
            categories=pd.Index([str(v) for v in encoded.dictionary.to_pylist()]),
        ),
    )
