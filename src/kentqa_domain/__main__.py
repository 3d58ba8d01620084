"""``python -m kentqa_domain`` is the ``kentqa`` command."""

from .cli import main

main()
