"""How the channel is configured: credentials.yml keys, environment variables winning."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import RasaException

from bot.channels.twilio_sms import TwilioSMSInput, TwilioSMSOutput, settings_from

FILE = {"account_sid": "ACfile", "auth_token": "file-token", "twilio_number": "+447700900111",
        "public_base_url": "https://file.example"}


def test_credentials_file_keys_are_used_when_the_environment_is_silent() -> None:
    settings = settings_from(FILE, {})
    assert (settings.account_sid, settings.auth_token, settings.twilio_number) == (
        "ACfile", "file-token", "+447700900111")
    assert settings.public_base_url == "https://file.example"
    assert settings.reply_mode == "twiml" and settings.expiry_minutes == 10080


def test_environment_variables_win() -> None:
    env = {"TWILIO_ACCOUNT_SID": "ACenv", "TWILIO_AUTH_TOKEN": "env-token",
           "TWILIO_NUMBER": "+447700900222", "TWILIO_PUBLIC_BASE_URL": "https://env.example",
           "TWILIO_REPLY_MODE": "REST", "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
           "WAYFINDER_SMS_EXPIRY_MINUTES": "90"}
    settings = settings_from(FILE, env)
    assert settings.account_sid == "ACenv" and settings.auth_token == "env-token"
    assert settings.twilio_number == "+447700900222"
    assert settings.public_base_url == "https://env.example"
    assert settings.reply_mode == "rest" and settings.api_base_url == "http://127.0.0.1:9"
    assert settings.expiry_minutes == 90


def test_empty_environment_variables_do_not_blank_the_file() -> None:
    assert settings_from(FILE, {"TWILIO_AUTH_TOKEN": ""}).auth_token == "file-token"


@pytest.mark.parametrize("env", [
    {"TWILIO_REPLY_MODE": "carrier-pigeon"},
    {"TWILIO_REPLY_MODE": "rest", "TWILIO_AUTH_TOKEN": "t"},  # rest needs a SID and a number
    {"WAYFINDER_SMS_EXPIRY_MINUTES": "a day"},
])
def test_bad_settings_fail_loudly_at_start(env: dict[str, str]) -> None:
    with pytest.raises((RasaException, ValueError)):
        settings_from(None, env)


def test_from_credentials_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    channel = TwilioSMSInput.from_credentials(None)
    assert isinstance(channel, TwilioSMSInput)
    assert channel.name() == "twilio" and channel.url_prefix() == "twilio"
    assert channel.settings.auth_token == "env-token" and channel.validator is not None
    assert channel.get_output_channel() is None  # no proactive texts: we only hold pseudonyms
    assert TwilioSMSOutput.name() == "twilio"


def test_without_a_token_the_channel_starts_but_refuses_everything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    channel = TwilioSMSInput.from_credentials({})
    assert channel.validator is None


def test_rasa_builds_the_channel_from_a_credentials_file_and_mounts_it_where_twilio_expects(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import uuid
    from types import SimpleNamespace

    import requests
    from rasa.core.channels.channel import register
    from rasa.shared.utils.common import class_from_module_path
    from rasa.shared.utils.io import read_config_file
    from sanic import Sanic

    from tests.fake_twilio import FakeStore, post_signed, serve_sanic, sms_params

    monkeypatch.setenv("WAYFINDER_SECRET", "channel-test-secret-0123456789")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-the-environment")
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("bot.channels.twilio_sms.TwilioSMSInput:\n")  # the lead's entry
    # What rasa.core.run._create_single_channel does for a custom channel (without importing
    # the whole agent and TensorFlow into this test).
    [(path, given)] = read_config_file(str(credentials)).items()
    channel = class_from_module_path(path).from_credentials(given)
    assert isinstance(channel, TwilioSMSInput)
    channel._store = FakeStore()
    handled = []

    async def handle_message(message) -> None:  # noqa: ANN001 - what Rasa's agent does
        handled.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Hello from Rasa")

    Sanic.test_mode = True
    app = Sanic(f"rasa_{uuid.uuid4().hex[:8]}")
    app.ctx.agent = SimpleNamespace(handle_message=handle_message, tracker_store=None)
    register([channel], app, route="/webhooks/")
    with serve_sanic(app) as url:
        answer = post_signed(url, sms_params("hi"), "from-the-environment")
        health = requests.get(url + "/webhooks/twilio/", timeout=10)
    assert health.status_code == 200
    assert answer.status_code == 200 and "<Message>Hello from Rasa</Message>" in answer.text
    assert [m.text for m in handled] == ["hi"] and handled[0].input_channel == "twilio"
