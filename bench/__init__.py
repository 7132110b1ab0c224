"""Benchmarks for Kithkin's circle: `make bench` (see bench/README.md)."""
