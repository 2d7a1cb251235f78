"""The staff console's routes on a bare Sanic app with a scripted assistant (no Rasa, no model).

python -m tests.staff.fake_server --port 6557   (DATABASE_URL and WAYFINDER_SECRET from the env)
The security tests run it: the pages, sessions and CSRF checks are the real ones.
"""

from __future__ import annotations

import argparse
from typing import Any

from sanic import Sanic, response

from bot.staff.web import Console, build_blueprint


class ScriptedAssistant:
    """Remembers what each call was told; 'hurt' in a message raises a safeguarding concern."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}
        self.lines: dict[str, list[dict[str, Any]]] = {}

    async def send(self, call_id: str, text: str) -> list[dict[str, Any]]:
        slots = self.calls.setdefault(call_id, {"person_role": "self"})
        if "meal" in text:
            slots["need_areas"] = ["nutrition"]
        if "hurt" in text:
            slots.update(safeguarding_concern=True, risk_kinds=["physical_abuse"])
        reply = [{"text": f"heard {len(text)} characters", "buttons": []}]
        self.lines.setdefault(call_id, []).extend(
            [{"who": "user", "text": text, "buttons": []}, {"who": "bot", **reply[0]}])
        return reply

    async def slots(self, call_id: str) -> dict[str, Any]:
        return dict(self.calls.get(call_id, {}))

    async def transcript(self, call_id: str) -> list[dict[str, Any]]:
        return list(self.lines.get(call_id, []))

    async def set_slots(self, call_id: str, values: dict[str, Any]) -> None:
        self.calls.setdefault(call_id, {}).update(values)


def make_app() -> Sanic:
    app = Sanic("wayfinder_staff_test")
    app.blueprint(build_blueprint(Console(ScriptedAssistant())), url_prefix="/webhooks/staff")

    @app.get("/health")
    async def health(request: Any) -> Any:
        return response.text("ok")

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    make_app().run(host="127.0.0.1", port=args.port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
