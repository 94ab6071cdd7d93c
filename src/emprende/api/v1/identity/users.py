"""User accounts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, ExpectedVersion, PageDep
from emprende.api.etag import etag, matches_if_none_match
from emprende.api.pagination import Page, split_page
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.schemas import NoNul
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.identity.schemas import PasswordResetOut, UserCreateIn, UserOut, UserUpdateIn
from emprende.bootstrap.identity import IdentityWiring
from emprende.domain.identity.user import Role
from emprende.services.identity import users as user_service
from emprende.services.identity.ports import UserFilters

router = APIRouter(prefix="/users", tags=["users"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    operation_id="create_user",
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def create_user(
    body: UserCreateIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> UserOut:
    """Create an account. Partner managers create accounts of their own partner, never above their own role.
    Send `Idempotency-Key` to make retries safe."""
    user = await user_service.create_user(
        user_service.CreateUser(
            email=body.email,
            full_name=body.full_name,
            password=body.password,
            role=body.role,
            preferred_language=body.preferred_language,
            partner_id=body.partner_id,
        ),
        principal,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    response.headers["Location"] = str(request.url_for("get_user", user_id=user.id).path)
    response.headers["ETag"] = etag(user.version)
    return UserOut.model_validate(user)


@router.get(
    "",
    response_model=Page[UserOut],
    operation_id="list_users",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_users(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    partner_id: Annotated[uuid.UUID | None, Query()] = None,
    role: Annotated[Role | None, Query()] = None,
    is_active: Annotated[bool | None, Query()] = None,
    email_contains: Annotated[str | None, Query(min_length=1, max_length=254), NoNul] = None,
) -> Page[UserOut]:
    """List accounts, oldest first: administrators all, a partner's managers their partner's."""
    filters = {"partner_id": partner_id, "role": role, "is_active": is_active, "email_contains": email_contains}
    after = uuid.UUID(codec.decode(page.cursor, "users", filters)[0]) if page.cursor else None
    rows = await user_service.list_users(
        principal,
        UserFilters(partner_id=partner_id, role=role, is_active=is_active, email_contains=email_contains),
        after=after,
        limit=page.limit + 1,
        queries=container.area(IdentityWiring).users,
    )
    items, cursor = split_page(codec, "users", filters, rows, page.limit)
    return Page[UserOut](items=[UserOut.model_validate(row) for row in items], next_cursor=cursor)


@router.get(
    "/{user_id}",
    response_model=UserOut,
    operation_id="get_user",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_user(
    user_id: uuid.UUID,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> UserOut | Response:
    """One account: administrators any, a partner's managers their partner's, everyone their own."""
    user = await user_service.get_user(principal, user_id, queries=container.area(IdentityWiring).users)
    if matches_if_none_match(request.headers.get("if-none-match"), user.version):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(user.version)})
    response.headers["ETag"] = etag(user.version)
    return UserOut.model_validate(user)


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    operation_id="update_user",
    responses=problem_responses(401, 403, 404, 412, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def update_user(
    user_id: uuid.UUID,
    body: UserUpdateIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> UserOut:
    """Change name or language, or (managers) activate/deactivate: a deactivated account's tokens stop at once.
    Send `If-Match` with the ETag you read."""
    if not body.model_fields_set:
        raise ProblemError("validation_failed", errors=[{"field": "body", "code": "empty", "message": "no fields"}])
    for name in ("full_name", "preferred_language", "is_active"):
        if name in body.model_fields_set and getattr(body, name) is None:
            raise ProblemError(
                "validation_failed",
                errors=[{"field": f"body.{name}", "code": "null", "message": "may not be null"}],
            )
    user = await user_service.update_user(
        principal,
        user_id,
        user_service.UpdateUser(
            full_name=body.full_name, preferred_language=body.preferred_language, is_active=body.is_active
        ),
        expected_version=version,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["ETag"] = etag(user.version)
    return UserOut.model_validate(user)


@router.post(
    "/{user_id}/password-reset",
    response_model=PasswordResetOut,
    operation_id="reset_user_password",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def reset_user_password(
    user_id: uuid.UUID, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> PasswordResetOut:
    """Force a password reset: a temporary password (shown once), sessions ended, change required (administrators)."""
    reset = await user_service.force_password_reset(
        principal, user_id, uow_factory=container.uow, hasher=container.hasher, clock=container.clock
    )
    response.headers["Cache-Control"] = "no-store"
    return PasswordResetOut(user_id=reset.user.id, temporary_password=reset.temporary_password)
