"""Notifications (SPEC section 6): derived from the events and due dates, delivered through
channel plugins at least once, tracked so that nothing acknowledged is sent again and nothing
due is lost.

- :mod:`.notification` — the :class:`Notification` value and its kinds;
- :mod:`.sources` — one module per area deriving what is due (``qa.notifications(as_of=...)``);
- :mod:`.channels` — the channel protocol and URL-configured channels from plugins;
- :mod:`.outbox` — the event-sourced delivery record (``KentQANotifications``);
- :mod:`.delivery` — a delivery run: record what is due, send what is pending, record outcomes.
"""

from __future__ import annotations

from ..notification import Notification, NotificationKind

__all__ = ["Notification", "NotificationKind"]
