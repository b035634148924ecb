"""Score the place finder and the event extractor against gold sets (tests and benchmarks)."""
