"""The voice of children, families, partners and staff (framework 4.1, 4.3): compliments and
feedback, by source, channel, theme, rating and team.
"""
