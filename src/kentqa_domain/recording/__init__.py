"""Recording (SPEC sections 2, 9.4): parse, order, seal, identity, check against the write
model, store: one write transaction per batch (:mod:`.batch`); the write model that composes
every area's aggregate (:mod:`.write_model`); identities for idempotency (:mod:`.identity`);
the order a batch is recorded in (:mod:`.order`); R-INP-1 (:mod:`.future_dates`).
"""
