"""Decisions, mandates, the responsibility matrix and the governance check."""
