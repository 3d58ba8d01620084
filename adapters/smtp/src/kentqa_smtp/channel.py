"""The SMTP channel: one connection and one message per notification (standard library ``smtplib``)."""

from __future__ import annotations

import smtplib
import ssl

from kentqa_domain.errors import ChannelError, ChannelUnavailable
from kentqa_domain.notifications import Notification
from kentqa_domain.safe_text import printable

from .message import build_message
from .url import SmtpSettings


class SmtpChannel:
    """Sends each notification as an e-mail; ``send`` returns once the server accepted it for
    every recipient.

    Failures worth retrying soon raise :class:`ChannelUnavailable`: no connection, a timeout,
    a dropped connection, a 4xx reply. A 5xx reply (e.g. a recipient refused) raises
    :class:`ChannelError`; the notification stays pending for the next run either way.

    TLS (``STARTTLS`` by default, or ``smtps://``) is set up before the login and the message,
    with the server's certificate verified; a server without it is a :class:`ChannelError`.
    The server's replies are echoed with control characters escaped.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def send(self, notification: Notification) -> None:
        message = build_message(notification, self.settings)
        s = self.settings
        try:
            with self._connect() as smtp:
                smtp.ehlo()
                if s.starttls:
                    self._starttls(smtp)
                if s.credentials:  # only over TLS: SmtpSettings refuses credentials without it
                    smtp.login(s.username or "", s.password or "")
                refused = smtp.send_message(message, from_addr=s.sender, to_addrs=list(s.recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            raise self._refused(exc.recipients) from None
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            error = f"SMTP server {self.where} replied {exc.smtp_code} {printable(text)}"
            if 400 <= exc.smtp_code < 500:
                raise ChannelUnavailable(error) from None
            raise ChannelError(error) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise ChannelError(f"SMTP server {self.where}: {printable(str(exc))}") from None
        except smtplib.SMTPServerDisconnected as exc:
            raise ChannelUnavailable(f"SMTP server {self.where} disconnected: {exc}") from None
        except smtplib.SMTPException as exc:
            raise ChannelError(f"SMTP server {self.where}: {exc}") from None
        except OSError as exc:  # refused connection, timeout, TLS failure, name not resolved
            raise ChannelUnavailable(f"SMTP server {self.where} unavailable: {exc}") from None
        if refused:
            raise self._refused(refused)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.implicit_tls:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        return smtplib.SMTP(s.host, s.port, timeout=s.timeout)

    def _starttls(self, smtp: smtplib.SMTP) -> None:
        """Upgrade before anything else is said; a server that does not offer STARTTLS is an
        error (never a silent fall back to clear text, which an attacker could force)."""
        if not smtp.has_extn("starttls"):
            raise ChannelError(
                f"SMTP server {self.where} does not offer STARTTLS: nothing was sent. Use smtps:// "
                "if it speaks TLS from the start, or, for a relay without TLS and without a "
                "password, add starttls=0"
            )
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()

    def _refused(self, recipients: dict[str, tuple[int, bytes]]) -> ChannelError:
        detail = "; ".join(
            f"{addr}: {code} {printable(msg.decode(errors='replace'))}"
            for addr, (code, msg) in recipients.items()
        )
        error = f"SMTP server {self.where} refused recipient(s): {detail}"
        if all(400 <= code < 500 for code, _ in recipients.values()):
            return ChannelUnavailable(error)
        return ChannelError(error)
