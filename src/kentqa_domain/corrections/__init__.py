"""Correcting the record (SPEC 9.1, R-COR-1..4): ``RecordCorrected`` and ``RecordWithdrawn``
(:mod:`.events`), recording them (:mod:`.recording`), one subject's history (:mod:`.history`)
and the log exported as JSON lines (:mod:`.export`).
"""
