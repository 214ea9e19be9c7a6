"""Analyses composed of engine runs: cross-checks, Decision 766, trends, reconciliation."""
