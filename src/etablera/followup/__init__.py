"""Follow-up periods, reports, entries and the consolidated report."""
