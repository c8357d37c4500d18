"""Organizer accounts: the owner creates and changes them (roles in contest/roles.py); each organizer reads
their own. The first owner comes from the launcher locally and from a documented command in the cloud
(`ensure_owner`)."""
from __future__ import annotations

from chalicelib import auth, errors, runtime
from chalicelib.contest.accounts import USERNAME, Organizer, scope_problem
from chalicelib.contest.records import replace
from chalicelib.contest.roles import ROLES, SCOPED
from chalicelib.contest.times import iso
from chalicelib.fields import one_of, optional, validate
from chalicelib.services.participants import REGISTRATION
from chalicelib.store import organizers as organizer_store

_password, _unit_id = REGISTRATION["password"][0], REGISTRATION["unit_id"][0]


def _username(value):
    if not isinstance(value, str) or not USERNAME.fullmatch(value.strip().lower()):
        raise ValueError("Tên đăng nhập gồm 3–32 chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
    return value.strip().lower()


def _flag(value):
    if not isinstance(value, bool):
        raise ValueError("Phải là true hoặc false.")
    return value


_ROLE = (one_of(*ROLES, message="Vai trò không hợp lệ."), True)
NEW_ACCOUNT = {"username": (_username, True), "password": (_password, True), "role": _ROLE,
               "unit_id": (optional(_unit_id), False)}
CHANGES = {"role": _ROLE, "unit_id": (optional(_unit_id), False), "password": (_password, False),
           "disabled": (_flag, False)}


def account_view(account: Organizer) -> dict:
    return {"username": account.username, "role": account.role, "unit_id": account.unit_id,
            "disabled": account.disabled, "created_at": iso(account.created_at or None)}


def me(principal: auth.Principal) -> dict:
    return {"username": principal.subject, "role": principal.role, "unit_id": principal.unit_id}


def list_accounts() -> dict:
    return {"accounts": [account_view(a) for a in organizer_store.all_accounts()]}


def _check_scope(role: str, unit_id: str | None) -> None:
    problem = scope_problem(role, unit_id)
    if problem:
        raise errors.invalid({"unit_id": problem})


def create_account(body: dict) -> dict:
    clean = validate(body, NEW_ACCOUNT)
    _check_scope(clean["role"], clean.get("unit_id"))
    account = Organizer(clean["username"], auth.hash_password(clean["password"]), role=clean["role"],
                        unit_id=clean.get("unit_id"), created_at=runtime.now_ms())
    try:
        organizer_store.create(account)
    except organizer_store.AccountExists:
        raise errors.conflict("account_exists", "Tên đăng nhập này đã có người dùng.") from None
    return {"account": account_view(account)}


def _account_not_found() -> errors.NotFound:
    return errors.not_found("account_not_found", "Không tìm thấy tài khoản.")


def _account_or_404(username: str) -> Organizer:
    account = organizer_store.get(username.lower()) if USERNAME.fullmatch(username.lower()) else None
    if account is None:
        raise _account_not_found()
    return account


def update_account(username: str, body: dict) -> dict:
    changes = validate(body, CHANGES, partial=True)
    current = _account_or_404(username)
    role = changes.get("role", current.role)
    unit_id = changes.get("unit_id", current.unit_id if role in SCOPED else None)
    _check_scope(role, unit_id)
    updated = replace(current, role=role, unit_id=unit_id, disabled=changes.get("disabled", current.disabled))
    if "password" in changes:
        updated = replace(updated, password_hash=auth.hash_password(changes["password"]))
    if "password" in changes or (updated.disabled and not current.disabled):
        updated = replace(updated, version=current.version + 1)   # every earlier token stops working
    if current.is_active_owner and not updated.is_active_owner and not any(
            a.is_active_owner for a in organizer_store.all_accounts() if a.username != current.username):
        raise errors.conflict("last_owner", "Đây là chủ tài khoản quản trị cuối cùng: không thể khoá hay đổi vai trò.")
    try:
        organizer_store.update(updated)
    except organizer_store.AccountMissing:
        raise _account_not_found() from None
    return {"account": account_view(updated)}


def ensure_owner(username: str, password: str) -> Organizer:
    """The account `username` as an enabled owner with this password (created if missing). Its sessions
    survive when the password is the one it already had; with a new one, earlier tokens stop working."""
    username = _username(username)
    existing = organizer_store.get(username)
    if existing is not None and auth.verify_password(password, existing.password_hash):
        owner = replace(existing, role="owner", unit_id=None, disabled=False)
    else:
        owner = Organizer(username, auth.hash_password(password), role="owner",
                          version=existing.version + 1 if existing else 0,
                          created_at=existing.created_at if existing else runtime.now_ms())
    if owner != existing:
        organizer_store.save(owner)
    return owner
