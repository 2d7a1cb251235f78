"""Wayfinder's action server: rasa_sdk's app, checked before it serves, answering only Rasa.

python -m bot.plugins.action_server --port 5055

- Fails at start, not mid-conversation: the council file, routing table and directory are loaded
  and validated first (bot/startup_checks.py); a bad file stops it with file, line and field.
- Listens on WAYFINDER_HOST (127.0.0.1 by default).
- Answers /webhook and /actions only when the request carries the shared secret
  (X-Wayfinder-Action-Secret, from WAYFINDER_ACTION_SECRET); /health stays open for probes.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request

from bot import settings
from bot.startup_checks import StartupCheckError, check_all

SECRET_HEADER = "X-Wayfinder-Action-Secret"
OPEN_PATHS = {"/health"}
logger = logging.getLogger(__name__)


def build_app(secret: str, package: str = "actions"):  # noqa: ANN201 - a Sanic app
    app = create_app(package, cors_origins=None)

    @app.middleware("request")
    async def only_rasa(request: Request):  # noqa: ANN202
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return response.json({"error": "forbidden"}, status=403)
        return None

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    try:
        check_all()
    except StartupCheckError as error:
        print(f"Wayfinder cannot start: {error}", file=sys.stderr)
        return 2
    secret = settings.action_secret()
    if not secret:
        print("Wayfinder cannot start: WAYFINDER_ACTION_SECRET is not set", file=sys.stderr)
        return 2
    build_app(secret).run(settings.bind_host(), args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
