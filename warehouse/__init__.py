"""The warehouse: one dbt build of a candidate, its audit, the atomic publish, and read-only access."""
