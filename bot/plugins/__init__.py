"""Rasa plug-ins other than channels and NLU (tracker store wiring)."""
