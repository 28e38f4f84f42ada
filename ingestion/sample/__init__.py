"""Deterministic synthetic sample data for all four sources, in the sources' real formats."""
