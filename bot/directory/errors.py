"""Errors the directory raises; each message says what is wrong in plain words."""

from __future__ import annotations


class DirectoryError(ValueError):
    """A directory source or a search could not be used."""


class UnknownPlaceError(DirectoryError):
    """A postcode district the directory does not know."""
