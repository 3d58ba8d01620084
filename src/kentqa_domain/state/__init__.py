"""The state in the store (SPEC 9.4, decision 0900): documents, identities, projections' rows.

``docs`` and ``tables`` are plain Python (the domain may use them); ``codec`` (JSON), ``sql``
(the tables per back end) and ``runner`` (projections' positions) are infrastructure.
"""
