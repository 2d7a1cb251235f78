"""Rasa NLU plug-ins and the builder of Wayfinder's own spaCy pipeline (the only bot/ code that may import Rasa)."""
