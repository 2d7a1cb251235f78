"""Wayfinder's custom actions (rasa_sdk): thin — read the tracker, call bot/, return events."""
