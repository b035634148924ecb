"""Turn an article's clauses into events and office reports, with the lexicon as data."""
