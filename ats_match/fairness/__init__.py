"""Fairness: self-reported EEO categories and the adverse-impact (LL144 bias-audit) arithmetic.

Nothing here is imported by scoring or ranking; the categories are read only to report on
outcomes, never to produce them.
"""
