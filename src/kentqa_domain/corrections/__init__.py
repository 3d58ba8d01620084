"""Correcting the record (SPEC 9.1, R-COR-1..4): ``RecordCorrected`` and ``RecordWithdrawn``
(:mod:`.events`), recording them (:mod:`.recording`, refusals in :mod:`.refusals`), one subject's history (:mod:`.history`)
and the log exported as JSON lines (:mod:`.export`).
"""
