"""Starts `rasa run` in this process, so the API token never appears on a command line.

python -m bot.plugins.rasa_launcher run --model ... (the usual `rasa run` arguments, no token)

The token comes from RASA_TOKEN or RASA_TOKEN_FILE (bot/settings.py) and is added to the
arguments inside this process only (`ps` shows the command this process was started with).
Rasa listens on WAYFINDER_HOST (127.0.0.1 by default). The configuration files are checked
first (bot/startup_checks.py), and the action-server time limit is installed.
"""

from __future__ import annotations

import sys

from bot import settings
from bot.startup_checks import StartupCheckError, check_all


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        check_all()
    except StartupCheckError as error:
        print(f"Wayfinder cannot start: {error}", file=sys.stderr)
        return 2
    if arguments[:1] == ["run"]:
        arguments += ["--interface", settings.bind_host()]
        token = settings.rasa_token()
        if token:
            arguments += ["--auth-token", token]
    from bot.plugins.action_guard import install

    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
