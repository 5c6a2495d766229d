"""Interventions, participants, enrolments, outcomes and imports."""
