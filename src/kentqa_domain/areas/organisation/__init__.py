"""Organisation: teams and practitioners, their moves, roles, ASYE, support and supervision
(SPEC section 3, 9.3). Every other area builds on it: a team or worker must be registered
before anything names it.
"""
