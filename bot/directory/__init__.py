"""Local services directory in Open Referral UK (HSDS 3.0 UK profile) format."""

from bot.directory.errors import DirectoryError, UnknownPlaceError
from bot.directory.model import ServiceOption, UnmetNeed
from bot.directory.present import option_text
from bot.directory.search import Directory, default

__all__ = ["Directory", "DirectoryError", "ServiceOption", "UnknownPlaceError", "UnmetNeed",
           "default", "option_text"]
