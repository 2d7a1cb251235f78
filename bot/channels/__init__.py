"""Rasa input channels (plug-ins): the only bot/ package besides bot/nlu and bot/plugins that imports Rasa."""
