"""Benchmarks of the refresh, stage by stage (`python -m bench`)."""
