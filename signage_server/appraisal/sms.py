"""How one-time codes reach villagers' phones: the :class:`SmsSender` interface and its
backends, chosen by ``SIGNAGE_SMS_BACKEND``.

* ``log`` (default): writes the message to the server log (logger
  ``signage_server.appraisal.sms``, level WARNING so that it shows at the default levels) and
  keeps the last few in memory (:attr:`LogSender.outbox`, which the tests read). For
  development and the demo: the villagers' page says "the code was written to the server log".
  In production nothing is sent this way (:attr:`SmsSender.delivers` is false there) and the
  page says that codes cannot be sent.
* ``http``: a generic HTTPS gateway. ``POST SIGNAGE_SMS_URL`` with the JSON
  ``{"to": "<11 digits>", "text": "<message>"}`` and ``Authorization: Bearer SIGNAGE_SMS_KEY``;
  any 2xx answer counts as sent. A provider with another API (signatures, templates) needs a
  small adapter service in front, or another backend class here (the extension point).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections import deque
from typing import Protocol

from signage_server.config import Settings
from signage_server.services import Key

logger = logging.getLogger(__name__)


class SmsError(RuntimeError):
    """The gateway did not take the message."""


class SmsSender(Protocol):
    #: Codes really leave this way (false: development's log backend in production).
    delivers: bool
    #: The page tells the villager to look in the server log (the demo).
    demo_notice: bool

    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to the mainland mobile ``phone`` (11 digits).

        :raise SmsError: it could not be sent.
        """


class LogSender:
    """Writes messages to the server log instead of sending them."""

    def __init__(self, *, production: bool = False) -> None:
        self.delivers = not production
        self.demo_notice = not production
        #: The last messages, newest last: ``(phone, text)`` (tests read the codes here).
        self.outbox: deque[tuple[str, str]] = deque(maxlen=20)

    def send(self, phone: str, text: str) -> None:
        if not self.delivers:
            raise SmsError("the log backend sends nothing in production")
        self.outbox.append((phone, text))
        logger.warning("SMS to %s****%s: %s", phone[:3], phone[-4:], text)


class HttpSender:
    """Posts messages to a generic HTTPS gateway (see the module's docstring)."""

    delivers = True
    demo_notice = False

    def __init__(self, url: str, key: str, timeout: float = 5.0) -> None:
        self.url = url
        self.key = key
        self.timeout = timeout

    def send(self, phone: str, text: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the configured https:// gateway
            self.url,
            data=json.dumps({"to": phone, "text": text}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except OSError as error:
            logger.error("SMS gateway unreachable: %s", error)
            raise SmsError("gateway unreachable") from error
        if not 200 <= status < 300:
            logger.error("SMS gateway answered %s", status)
            raise SmsError(f"gateway answered {status}")


#: The app's sender of text messages.
SMS: Key[SmsSender] = Key("sms")


def sender_for(settings: Settings) -> SmsSender:
    """Return the sender ``settings`` choose."""
    if settings.sms_backend == "http":
        return HttpSender(settings.sms_url, settings.sms_key)
    return LogSender(production=settings.production)
