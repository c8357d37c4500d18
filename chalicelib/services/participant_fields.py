"""The fields of a participant's requests (registration, login, profile, passwords, codes), checked the same way
on every path (chalicelib/fields.py does the checking)."""
from __future__ import annotations

import re

from chalicelib.contest.ids import plausible
from chalicelib.contest.phones import normalize_phone
from chalicelib.contest.ranking import CATEGORIES
from chalicelib.fields import Spec, integer, name, one_of, optional
from chalicelib.store import units as unit_store

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ID_NUMBER = re.compile(r"[0-9]{12}")  # ASCII digits only: "\d" would let "０４４…" claim a second account


def phone(value):
    number = normalize_phone(value)
    if number is None:
        raise ValueError("Số điện thoại di động không hợp lệ.")
    return number


def id_number(value):
    if not isinstance(value, str) or not _ID_NUMBER.fullmatch(value.strip()):
        raise ValueError("Số CCCD phải gồm đúng 12 chữ số.")
    return value.strip()


def email(value):
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value.strip()):
        raise ValueError("Địa chỉ email không hợp lệ.")
    return value.strip().lower()


def new_password(value):
    if not isinstance(value, str) or not 8 <= len(value) <= 128:
        raise ValueError("Mật khẩu phải có từ 8 đến 128 ký tự.")
    return value


def any_password(value):
    """A password to check (any length a password may have had)."""
    if not isinstance(value, str) or not 1 <= len(value) <= 128:
        raise ValueError("Mật khẩu không hợp lệ.")
    return value


def code(value):
    """A one-time code's shape only; whether it is right is the verification's to say (400 `bad_code`)."""
    if not isinstance(value, str) or not 1 <= len(value) <= 16:
        raise ValueError("Mã xác minh gồm 6 chữ số.")
    return value.strip()


def unit_id(value):
    # Anything that cannot be a unit id is no unit, and never a key to look up.
    if not plausible(value):
        raise ValueError("Vui lòng chọn đơn vị.")
    if not unit_store.exists(value):
        raise ValueError("Đơn vị không tồn tại.")
    return value


PROFILE: Spec = {
    "full_name": (name(2, 100), True),
    "unit_id": (unit_id, True),
    "category": (one_of(*CATEGORIES, message="Vui lòng chọn đối tượng dự thi."), True),
    "birth_year": (optional(integer(1900, 2100)), False),
    "email": (optional(email), False),
}
REGISTRATION: Spec = {
    **PROFILE,
    "phone": (phone, True),
    "password": (new_password, True),
    "id_number": (optional(id_number), False),
    "code": (code, False),
}
