"""Children's privacy (docs/security.md): which fields identify a child (:mod:`.forgetting`),
sealing them with the child's own key (:mod:`.sealing`, :mod:`.keyring`), encryption at rest
(:mod:`.encryption`), pseudonyms and revealing them in answers (:mod:`.pseudonyms`,
:mod:`.reveal`), and erasure (:mod:`.erasure`).
"""
