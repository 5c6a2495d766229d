"""Audits, recommendations, responses, actions and auditor follow-up."""
