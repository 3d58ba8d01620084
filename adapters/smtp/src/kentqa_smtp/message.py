"""One e-mail per notification, its subject naming the kind (standard library ``email``)."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.policy import default
from email.utils import formatdate

from kentqa_domain.notifications import Notification

from .url import SmtpSettings

#: Headers folded only past 200 characters (RFC 5322 allows 998), so a
#: subject naming a long id stays on one line.
POLICY = default.clone(max_line_length=200)


def build_message(notification: Notification, settings: SmtpSettings) -> EmailMessage:
    """The message: ``[KentQA] <Kind>: <subject> (due <date>)``; a plain-text body with the
    message, who it is for and the ids; a ``Message-ID`` and ``X-KentQA-Key`` derived from the
    notification's idempotency key so a mail system can tell a resend from a new one."""
    n = notification
    digest = hashlib.sha256(n.key.encode()).hexdigest()[:32]
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = f"[KentQA] {n.headline}"
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = f"<{digest}@kentqa.invalid>"
    msg["X-KentQA-Key"] = n.key
    msg["X-KentQA-Kind"] = n.kind.value
    msg["X-KentQA-Audience"] = n.audience
    lines = [
        n.message,
        "",
        f"For: {n.audience}",
        f"Kind: {n.kind.value}",
        f"About: {n.subject}",
        f"Due: {n.due_on.isoformat()}",
    ]
    if n.team_id:
        lines.append(f"Team: {n.team_id}")
    lines += [f"{name}: {value}" for name, value in n.refs]
    lines += ["", f"Idempotency key: {n.key}", "Sent by kentqa notify."]
    msg.set_content("\n".join(lines) + "\n")
    return msg
