"""The declared rules (the YAML files beside this module) and their one loader: source
profiles and the value vocabulary, status policies, the catalogue."""
