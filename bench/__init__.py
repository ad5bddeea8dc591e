"""Benchmarks (SPEC §11), run by `make bench`: they measure, they do not assert."""
