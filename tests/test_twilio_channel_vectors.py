"""Twilio's published request-validator test vectors, sent through our channel.

From twilio-python tests/unit/test_request_validator.py: the genuine ones pass the signature
check, any change to them is refused with 403.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests

from bot.channels.twilio_sms import TwilioSMSInput
from tests.fake_twilio import WEBHOOK_PATH, ScriptedBot, harness

VECTOR_TOKEN = "12345"
VECTOR_URI = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = [("CallSid", "CA1234567890ABCDE"), ("Digits", "1234"), ("From", "+14158675309"),
                 ("To", "+18005551212"), ("Caller", "+14158675309")]
DUPLICATE_PARAMS = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"),
                    ("Digits", "1234")]
# (name, the URL Twilio requested, params, X-Twilio-Signature) exactly as published.
VECTORS = [
    ("compute_signature", VECTOR_URI, VECTOR_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
    ("removes_port_on_https", VECTOR_URI.replace(".com", ".com:1234"), VECTOR_PARAMS,
     "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
    ("removes_port_on_http", VECTOR_URI.replace(".com", ".com:1234").replace("https", "http"),
     VECTOR_PARAMS, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
    ("adds_port_on_https", VECTOR_URI, VECTOR_PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w="),
    ("adds_port_on_http", VECTOR_URI.replace("https", "http"), VECTOR_PARAMS,
     "0ZXoZLH/DfblKGATFgpif+LLRf4="),
    ("duplicate_params", VECTOR_URI, DUPLICATE_PARAMS, "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
]


class VectorChannel(TwilioSMSInput):
    """Our channel, configured as if Twilio had called the vector's URL."""

    public = VECTOR_URI

    def public_url(self, request: object) -> str:
        return self.public


def _post(url: str, params: list[tuple[str, str]], signature: str) -> requests.Response:
    return requests.post(url + WEBHOOK_PATH, data=urlencode(params).encode(), timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "X-Twilio-Signature": signature})


@pytest.mark.parametrize("name,uri,params,signature", VECTORS, ids=[v[0] for v in VECTORS])
def test_published_vectors_pass_the_signature_check(name: str, uri: str,
                                                    params: list[tuple[str, str]],
                                                    signature: str) -> None:
    VectorChannel.public = uri
    bot = ScriptedBot()
    with harness(bot, channel_class=VectorChannel, token=VECTOR_TOKEN) as h:
        genuine = _post(h.url, params, signature)
        tampered_param = _post(h.url, params[:-1] + [(params[-1][0], params[-1][1] + "0")],
                               signature)
        tampered_sig = _post(h.url, params, signature[:-2] + ("A=" if signature[-2] != "A"
                                                              else "B="))
        reordered = _post(h.url, list(reversed(params)), signature)  # order must not matter
    # Past the signature check; the voice-call vectors have no MessageSid, so a clean 400 follows.
    assert genuine.status_code == 400 and "MessageSid" in genuine.text
    assert reordered.status_code == 400
    assert tampered_param.status_code == 403 and tampered_sig.status_code == 403
    assert bot.received == [] and h.store.calls == 0


def test_a_vector_signature_is_refused_under_another_auth_token() -> None:
    VectorChannel.public = VECTOR_URI
    with harness(channel_class=VectorChannel, token="54321") as h:
        answer = _post(h.url, VECTOR_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert answer.status_code == 403


def test_the_json_body_vector_passes_its_body_hash_check_but_sms_webhooks_must_be_forms() -> None:
    body = '{"property": "value", "boolean": true}'
    body_hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    VectorChannel.public = VECTOR_URI + "&bodySHA256=" + body_hash
    headers = {"Content-Type": "application/json",
               "X-Twilio-Signature": "a9nBmqA0ju/hNViExpshrM61xv4="}
    with harness(channel_class=VectorChannel, token=VECTOR_TOKEN) as h:
        genuine = requests.post(h.url + WEBHOOK_PATH, data=body.encode(), timeout=10,
                                headers=headers)
        tampered = requests.post(h.url + WEBHOOK_PATH, data=body.replace("true", "false").encode(),
                                 timeout=10, headers=headers)
    assert genuine.status_code == 415  # really from Twilio, but not an SMS webhook
    assert tampered.status_code == 403  # the body no longer matches bodySHA256
    assert h.bot.received == []
