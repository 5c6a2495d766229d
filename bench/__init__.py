"""Benchmarks: each ``bench/bench_*.py`` measures a ratio against a baseline in one run."""
