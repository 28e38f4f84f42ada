"""Getting data in: each source's parsers, the LG Inform client, landing, the load ledger, the raw zone,
the contracts and their checks, and the council register."""
