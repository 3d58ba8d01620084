"""Property against a real HTTP receiver on 127.0.0.1: whatever status codes it answers, run
after run (with a restart between runs), every notification is accepted by it exactly once
with a 2xx — at least once, and never again once acknowledged."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentqa_domain.notifications import Notification
from kentqa_domain.notifications.channels import OpenChannel
from kentqa_domain.notifications.delivery import RetrySettings, run
from kentqa_domain.plugins import make_plugin_manager, open_storage
from kentqa_domain.state.outbox import Notifications
from kentqa_webhook import open_webhook

Receiver = Any
QUICK = RetrySettings(attempts=2, timeout=5.0, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)
UNIVERSE = [
    Notification(
        kind="midway_overdue",
        subject=f"child:C{i}:child_protection",
        due_on=dt.date(2026, 2, 1) + dt.timedelta(days=i),
        audience="cp_chair",
        message=f"Child C{i}'s midway review is overdue.",
    )
    for i in range(5)
]
STATUSES = st.sampled_from([200, 201, 204, 400, 429, 500, 503])


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sets(st.integers(0, 4)), st.lists(STATUSES, min_size=1, max_size=8)),
        min_size=1,
        max_size=4,
    )
)
def test_each_notification_is_accepted_exactly_once_whatever_the_receiver_answers(
    receiver: Receiver, secret: str, plan: list[tuple[set[int], list[int]]]
) -> None:
    answers: list[int] = []
    receiver.requests.clear()
    receiver.bodies.clear()
    accepted: Counter[str] = Counter()
    due: set[str] = set()

    def handle(request: Any) -> Any:
        from werkzeug import Response

        status = answers.pop(0) if answers else 200
        if 200 <= status < 300:
            accepted[json.loads(request.get_data())["key"]] += 1
        return Response("", status=status)

    receiver.server.clear()
    receiver.server.expect_request("/hook", method="POST").respond_with_handler(handle)
    with tempfile.TemporaryDirectory() as folder:
        storage = open_storage(make_plugin_manager(entry_points=False), f"sqlite:///{Path(folder) / 'w.db'}")
        for derived, statuses in [*plan, (set(), [])]:  # a last run with a healthy receiver
            answers[:] = statuses
            notices = [UNIVERSE[i] for i in sorted(derived)]
            due |= {n.key for n in notices}
            channel = open_webhook(receiver.url)
            try:
                with Notifications(storage) as outbox:  # a fresh process each run
                    run(
                        outbox,
                        notices,
                        [OpenChannel(receiver.url, channel, "webhook")],
                        as_of=dt.date(2026, 3, 1),
                        retry=QUICK,
                    )
            finally:
                channel.close()
        with Notifications(storage) as outbox:
            assert outbox.pending() == []
    assert accepted == Counter(dict.fromkeys(due, 1))
