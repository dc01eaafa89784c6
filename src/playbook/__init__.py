"""Generative-AI product playbooks: load, validate, model, render and export YAML checklists."""

__version__ = "0.1.0"
