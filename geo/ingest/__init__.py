"""Bring articles into the store: one process, a Dask cluster, or the browser's uploads."""
