"""The tri-annual audit cycle (R-AUD-1..6; framework 4.3): practitioner, appreciative inquiry,
peer and triad audits, grades, triad recommendations, audit actions and thematic audits, and
the Learning and Improvement report's evidence.
"""
