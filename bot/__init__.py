"""Wayfinder's domain core: pure Python, no Rasa (except bot/channels and bot/nlu plug-ins)."""
