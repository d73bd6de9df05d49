"""Scenarios bundled with dyadsim (YAML files, found by name)."""
