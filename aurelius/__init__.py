"""Aurelius: the composition root (settings, wiring, adapters) and its runtime hosts."""

__version__ = "0.1.0"
