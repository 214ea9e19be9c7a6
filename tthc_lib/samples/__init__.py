"""Sample exports generated from a target (core, model and rules only)."""
