"""Rasa input channels; with bot/nlu and bot/plugins, the only bot/ code that imports Rasa."""
