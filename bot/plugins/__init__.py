"""Rasa plug-ins. Rasa imports this package at start-up (endpoints.yml names the tracker store),
which installs the action-server time limit and safe answers (bot/plugins/action_guard.py)."""

from bot.plugins.action_guard import install as _install_action_guard

_install_action_guard()
