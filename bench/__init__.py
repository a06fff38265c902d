"""Benchmarks that print figures (medians and ratios); tests never assert on time."""
