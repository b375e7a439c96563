"""Why a presentation is refused, in words meant for the candidate who sent it."""

from __future__ import annotations

from ats_match.errors import AtsMatchError


class PresentationRefused(AtsMatchError):
    """The presentation was not accepted; ``message`` tells the candidate what to do."""

    status_code = 400
    code = "presentation_refused"


class NotAPresentation(PresentationRefused):
    code = "not_a_presentation"


class BadHolderProof(PresentationRefused):
    code = "bad_holder_proof"


class WrongChallenge(PresentationRefused):
    code = "wrong_challenge"


class WrongDomain(PresentationRefused):
    code = "wrong_domain"


class HolderNotSubject(PresentationRefused):
    status_code = 403
    code = "holder_not_subject"


class RequestExpired(PresentationRefused):
    status_code = 410
    code = "request_expired"


class RequestUsed(PresentationRefused):
    """Replay: the request (its challenge / nonce) has already been answered."""

    status_code = 409
    code = "replay"


class HolderKeyUnavailable(PresentationRefused):
    """The holder's DID document could not be fetched: try again later."""

    status_code = 503
    code = "holder_key_unavailable"
