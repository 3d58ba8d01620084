"""The write side: aggregates and the rules recording checks (one module per aggregate).

:class:`~kentqa_domain.domain.casebook.Casebook` holds every aggregate, folded from the
events; each module contributes a handler per event type: which stream the event belongs to,
the ``check_*`` rules it must pass, and how it changes its aggregate.
"""

from .base import Handler
from .casebook import Casebook

__all__ = ["Casebook", "Handler"]
