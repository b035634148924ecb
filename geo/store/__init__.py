"""Keep the map layers as versioned tables, with checks and repair."""
