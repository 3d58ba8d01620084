"""Escalations by IROs and CP Chairs when drift is noted (R-ESC-1..5): stages, responses,
resolution and referral to Cafcass. Builds on plans (an escalation is about a child's plan).
"""
