"""The text-message backends: the log (development, demo) and the generic HTTPS gateway."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from signage_server.appraisal.sms import HttpSender
from signage_server.appraisal.sms import LogSender
from signage_server.appraisal.sms import SmsError
from signage_server.appraisal.sms import sender_for
from signage_server.config import ConfigError
from signage_server.config import load_settings


def test_the_log_backend_keeps_the_last_messages_and_says_so() -> None:
    sender = LogSender()
    assert sender.delivers and sender.demo_notice
    sender.send("13812345678", "验证码 123456")
    assert list(sender.outbox) == [("13812345678", "验证码 123456")]


def test_the_log_backend_sends_nothing_in_production() -> None:
    sender = LogSender(production=True)
    assert not sender.delivers and not sender.demo_notice
    with pytest.raises(SmsError):
        sender.send("13812345678", "验证码 123456")
    assert not sender.outbox


class _Answer:
    def __init__(self, status: int) -> None:
        self.status = status

    def __enter__(self) -> _Answer:
        return self

    def __exit__(self, *args: object) -> None:
        return None


def test_the_http_backend_posts_json_with_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[urllib.request.Request] = []

    def urlopen(request: urllib.request.Request, timeout: float) -> Any:
        seen.append(request)
        return _Answer(202)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    HttpSender("https://sms.example/send", "k3y").send("13812345678", "验证码 123456")
    (request,) = seen
    assert request.full_url == "https://sms.example/send"
    assert request.get_header("Authorization") == "Bearer k3y"
    assert json.loads(request.data or b"") == {"to": "13812345678", "text": "验证码 123456"}


@pytest.mark.parametrize("outcome", [_Answer(500), OSError("down")])
def test_the_http_backend_reports_failures(
    monkeypatch: pytest.MonkeyPatch, outcome: object
) -> None:
    def urlopen(request: urllib.request.Request, timeout: float) -> Any:
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(SmsError):
        HttpSender("https://sms.example/send", "k").send("13812345678", "x")


def test_settings_choose_the_backend() -> None:
    assert isinstance(sender_for(load_settings({})), LogSender)
    settings = load_settings({"SIGNAGE_SMS_BACKEND": "http", "SIGNAGE_SMS_URL": "https://g/s"})
    assert isinstance(sender_for(settings), HttpSender)
    with pytest.raises(ConfigError):
        load_settings({"SIGNAGE_SMS_BACKEND": "http", "SIGNAGE_SMS_URL": "http://g/s"})
    with pytest.raises(ConfigError):
        load_settings({"SIGNAGE_SMS_BACKEND": "carrier-pigeon"})
