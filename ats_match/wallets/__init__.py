"""Credentials the candidate holds: wallet presentations (W3C VP upload, OpenID4VP 1.0).

A presentation signed by the holder's key proves control of a DID; a credential whose subject
is that DID is then ``holder: proven`` (see :mod:`ats_match.verification.recipient`).
"""
