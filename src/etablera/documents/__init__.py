"""Steering documents, versions, distribution and acknowledgements."""
