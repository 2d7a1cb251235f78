"""Rasa NLU plug-ins and the builders of Wayfinder's spaCy pipeline and training domain."""
