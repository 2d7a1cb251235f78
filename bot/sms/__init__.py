"""Pure helpers for the SMS channel: GSM-7 text, segments, numbered options, keywords, memory.

Nothing here imports rasa; bot/channels/twilio_sms.py wires these into a Rasa input channel.
"""
