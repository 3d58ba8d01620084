"""The webhook channel: one signed JSON POST per notification (``httpx``)."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from kentqa_domain.errors import ChannelError, ChannelUnavailable
from kentqa_domain.notifications import Notification
from kentqa_domain.safe_text import printable, redact

from .signing import body_of, header_key, signature

#: Replies worth retrying soon besides 5xx: request timeout, too early, too many requests.
RETRY_SOON = frozenset({408, 425, 429})


class WebhookChannel:
    """POSTs each notification as JSON to ``url``; ``send`` returns once the receiver answered 2xx.

    Headers: ``Content-Type: application/json``, ``Idempotency-Key: <notification key>``,
    ``X-KentQA-Timestamp: <Unix seconds>``, ``X-KentQA-Signature: v1=<hex HMAC-SHA256 of
    timestamp, key and body>`` (:mod:`.signing`), ``X-KentQA-Kind``.
    A transport failure, 5xx, 408, 425 or 429 raises :class:`ChannelUnavailable`; any other
    reply (including redirects, which are not followed) raises :class:`ChannelError`. The
    receiver's reply is quoted with its control characters escaped.
    """

    def __init__(
        self, url: str, secret: bytes, *, timeout: float = 10.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.url = url
        self.display = redact(url)
        self.secret = secret
        self.clock = clock
        self.client = httpx.Client(
            timeout=timeout, follow_redirects=False, headers={"User-Agent": "kentqa-webhook/0.1"}
        )

    def send(self, notification: Notification) -> None:
        body = body_of(notification)
        timestamp = str(int(self.clock()))
        key = header_key(notification.key)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "X-KentQA-Timestamp": timestamp,
            "X-KentQA-Signature": signature(self.secret, timestamp, key, body),
            "X-KentQA-Kind": notification.kind.value,
        }
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except httpx.TransportError as exc:
            raise ChannelUnavailable(
                f"webhook {self.display} unreachable: {type(exc).__name__}: {printable(str(exc))}"
            ) from None
        if response.is_success:
            return
        error = f"webhook {self.display} answered HTTP {response.status_code}: {printable(response.text)}"
        if response.status_code >= 500 or response.status_code in RETRY_SOON:
            raise ChannelUnavailable(error)
        raise ChannelError(error)

    def close(self) -> None:
        self.client.close()
