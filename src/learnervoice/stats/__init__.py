"""Descriptive statistics on the engine: frequencies, cross-tabs, tests, intervals, audit of printed tables."""
