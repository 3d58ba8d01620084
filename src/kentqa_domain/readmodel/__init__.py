"""What projections and queries are built from (SPEC 9.4): the projection base
(:mod:`.projection`), row tables (:mod:`.tables`), documents read through a bounded cache
(:mod:`.docs`), a view of the state at one position (:mod:`.view`) and query arguments checked
alike everywhere (:mod:`.arguments`). No storage library: the back ends are in ``state``.
"""
