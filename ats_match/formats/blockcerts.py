"""Blockcerts certificates: v3 (a Verifiable Credential anchored by a MerkleProof2019 proof) and
v2 (an Open Badges 2.0 assertion whose ``signature`` is a MerkleProof2017 receipt).

What: :func:`blockcerts_spec` recognises them (before the OB 3.0 / OB 2.0 readers, which would
otherwise take them for their own), :func:`parse_blockcerts` fills the internal form.
Why not verify: the Merkle proof and its chain anchor are checked by
:mod:`ats_match.verification.blockcerts`; this only reads.
"""

from __future__ import annotations

from typing import Any

from ats_match.formats import fields as f
from ats_match.formats.model import (
    AchievementInfo,
    CredentialForm,
    Envelope,
    RecipientIdentity,
    Spec,
)
from ats_match.formats.ob2 import parse_assertion
from ats_match.formats.vc import parse_vc

V2_CONTEXT_MARKERS = ("w3id.org/blockcerts/v2", "/blockcerts/schema/2.", "blockcerts.org/schema/2.")


def proof_types(doc: dict[str, Any]) -> set[str]:
    """The ``type`` values of the document's proof(s)."""
    found: set[str] = set()
    for proof in f.as_list(doc.get("proof")):
        if isinstance(proof, dict):
            found |= {str(t) for t in f.as_list(proof.get("type"))}
    return found


def blockcerts_spec(doc: dict[str, Any]) -> Spec | None:
    """``BLOCKCERTS3`` for a credential proved by MerkleProof2019, ``BLOCKCERTS2`` for an
    assertion signed by MerkleProof2017 in the Blockcerts v2 context, else ``None``."""
    if "MerkleProof2019" in proof_types(doc) and "credentialSubject" in doc:
        return Spec.BLOCKCERTS3
    signature = doc.get("signature")
    if isinstance(signature, dict):
        kinds = {str(t) for t in f.as_list(signature.get("type"))}
        contexts = " ".join(f.contexts_of(doc))
        if "MerkleProof2017" in kinds and any(m in contexts for m in V2_CONTEXT_MARKERS):
            return Spec.BLOCKCERTS2
    return None


def parse_blockcerts(doc: dict[str, Any], spec: Spec, envelope: Envelope) -> CredentialForm:
    """The internal form of a Blockcerts certificate (v2 read as the assertion it is)."""
    if spec == Spec.BLOCKCERTS2:
        form = parse_assertion(doc, Spec.OB2, envelope)
    else:
        form = parse_vc(doc, Spec.OB3, envelope)
        form.achievement = _v3_achievement(doc, form.achievement)
        form.recipients = [*form.recipients, *_subject_email(doc)]
    form.spec = spec
    return form


def _v3_achievement(doc: dict[str, Any], read: AchievementInfo) -> AchievementInfo:
    """Blockcerts v3 states what was earned in ``credentialSubject.claim`` (or the credential's
    own ``name`` / ``description``), not in an OB 3.0 achievement."""
    subject = next((s for s in f.as_list(doc.get("credentialSubject")) if isinstance(s, dict)), {})
    raw_claim = subject.get("claim")
    claim: dict[str, Any] = raw_claim if isinstance(raw_claim, dict) else {}
    criteria = claim.get("criteria")
    narrative = criteria.get("narrative") if isinstance(criteria, dict) else criteria
    return read.model_copy(
        update={
            "id": read.id or f.text(claim.get("id")),
            "name": read.name or f.text(claim.get("name")) or f.text(doc.get("name")),
            "description": read.description
            or f.text(claim.get("description"))
            or f.text(doc.get("description")),
            "criteria_narrative": read.criteria_narrative or f.text(narrative),
        }
    )


def _subject_email(doc: dict[str, Any]) -> list[RecipientIdentity]:
    """Blockcerts v3 subjects often carry the learner's plain ``email``."""
    subject = next((s for s in f.as_list(doc.get("credentialSubject")) if isinstance(s, dict)), {})
    email = f.text(subject.get("email"))
    return [RecipientIdentity(type="email", identity=email)] if email else []
