"""Benchmarks (make bench); run each file as a script from the repo root."""
