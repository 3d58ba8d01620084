"""Complaints through the statutory stages and the corporate route (R-CMP-1..7; framework
4.1-4.3): timescales, extensions, panels, the Ombudsman, the register and the summary.
"""
