"""The governance check: the gaps the audit found, looked for continuously."""
