"""Observations of practice (R-OBS-1..5, R-ACC-1; framework 4.5): every practitioner observed on
a schedule by role and experience; compliance, summaries and the annual learning view.
"""
