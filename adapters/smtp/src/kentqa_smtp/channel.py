"""The SMTP channel: one connection and one message per notification (standard library ``smtplib``)."""

from __future__ import annotations

import smtplib
import ssl

from kentqa_domain.errors import ChannelError, ChannelUnavailable
from kentqa_domain.notifications import Notification

from .message import build_message
from .url import SmtpSettings


class SmtpChannel:
    """Sends each notification as an e-mail; ``send`` returns once the server accepted it for
    every recipient.

    Failures worth retrying soon raise :class:`ChannelUnavailable`: no connection, a timeout,
    a dropped connection, a 4xx reply. A 5xx reply (e.g. a recipient refused) raises
    :class:`ChannelError`; the notification stays pending for the next run either way.
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
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
                smtp.ehlo()
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.username is not None:
                    smtp.login(s.username, s.password or "")
                refused = smtp.send_message(message, from_addr=s.sender, to_addrs=list(s.recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            raise self._refused(exc.recipients) from None
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            error = f"SMTP server {self.where} replied {exc.smtp_code} {text}"
            if 400 <= exc.smtp_code < 500:
                raise ChannelUnavailable(error) from None
            raise ChannelError(error) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise ChannelError(f"SMTP server {self.where}: {exc}") from None
        except smtplib.SMTPServerDisconnected as exc:
            raise ChannelUnavailable(f"SMTP server {self.where} disconnected: {exc}") from None
        except smtplib.SMTPException as exc:
            raise ChannelError(f"SMTP server {self.where}: {exc}") from None
        except OSError as exc:  # refused connection, timeout, TLS failure, name not resolved
            raise ChannelUnavailable(f"SMTP server {self.where} unavailable: {exc}") from None
        if refused:
            raise self._refused(refused)

    def _refused(self, recipients: dict[str, tuple[int, bytes]]) -> ChannelError:
        detail = "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace')}" for addr, (code, msg) in recipients.items()
        )
        error = f"SMTP server {self.where} refused recipient(s): {detail}"
        if all(400 <= code < 500 for code, _ in recipients.values()):
            return ChannelUnavailable(error)
        return ChannelError(error)
