"""Etablera: steering, coordination and follow-up of a municipality's integration work."""

__version__ = "0.1.0"
