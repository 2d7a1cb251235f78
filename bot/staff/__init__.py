"""The contact-centre staff console: accounts, sessions, the call panel, outcomes, the queue.

Pure Python (no Rasa); the Sanic routes live in bot/channels/staff_console.py.
"""
