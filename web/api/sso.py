"""Administration of the organisation's single sign-on provider (admin role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from ats_match.errors import NotFound
from ats_match.models import Role, Scope, User
from ats_match.models.sso import SsoConnection, SsoConnectionPublic, SsoConnectionUpdate
from ats_match.security import require_role
from ats_match.services import sso
from web.deps import SessionDep, requires

router = APIRouter(prefix="/sso")


def _public(row: SsoConnection) -> SsoConnectionPublic:
    return SsoConnectionPublic.model_validate(
        {**row.model_dump(exclude={"client_secret"}), "has_client_secret": bool(row.client_secret)}
    )


@router.get("", response_model=SsoConnectionPublic)
def get_sso(
    session: SessionDep, user: Annotated[User, requires(Scope.USERS_ADMIN)]
) -> SsoConnectionPublic:
    """The provider people of this organisation sign in with (404 when there is none)."""
    require_role(user.role, Role.ADMIN)
    row = sso.connection_of(session, user.organization_id)
    if row is None:
        raise NotFound("No single sign-on is set up.")
    return _public(row)


@router.put(
    "",
    response_model=SsoConnectionPublic,
    responses={400: {"description": "the provider's discovery document could not be used"}},
)
def put_sso(
    data: SsoConnectionUpdate,
    session: SessionDep,
    user: Annotated[User, requires(Scope.USERS_ADMIN)],
) -> SsoConnectionPublic:
    """Set up or change the OpenID Connect provider; the client secret is stored encrypted
    and never shown again. People sign in at ``/login`` with a work e-mail of its domains; the
    provider's redirect URI to register is ``<base URL>/login/sso/callback``."""
    require_role(user.role, Role.ADMIN)
    return _public(sso.configure(session, user.organization_id, data))


@router.delete("", status_code=204)
def delete_sso(session: SessionDep, user: Annotated[User, requires(Scope.USERS_ADMIN)]) -> Response:
    require_role(user.role, Role.ADMIN)
    row = sso.connection_of(session, user.organization_id)
    if row is None:
        raise NotFound("No single sign-on is set up.")
    session.delete(row)
    return Response(status_code=204)
