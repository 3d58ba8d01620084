"""Children's plans (R-LAC-1..9, R-CP-1..7, R-TML-1; SPEC 9.2): looked-after episodes and child
protection plans, their reviews, midway reviews, QA by IROs and CP Chairs, plan actions,
allocation, drift and timeliness.
"""
