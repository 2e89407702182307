"""A simulated Hanoi: the five city systems of Plan 61/KH-UBND, served to contract.

The demo, the tests and the benchmarks run against it; nothing here reaches a real system.
Everything is deterministic for (seed, scale, start, end).
"""
