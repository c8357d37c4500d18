"""Finding a participant: by a phone in any written form, by a CCCD, or by the start of a name with accents
ignored. Names are kept folded (lower case, no diacritics, đ → d, single spaces) so that an index sorted by the
folded name answers a prefix; the index's partition is the folded name's first letters."""
from __future__ import annotations

import re
import unicodedata

from chalicelib.contest.phones import normalize_phone
from chalicelib.contest.records import Struct

SHARD_LETTERS = 2           # the name index's partition: the folded name's first two characters
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"[0-9\s.\-()+]+")
_ID_NUMBER = re.compile(r"[0-9]{12}")


def fold(text: str) -> str:
    """`"  Nguyễn  Thị Đào "` → `"nguyen thi dao"`: what names are compared as."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def name_key(full_name: str, participant_id: str) -> str:
    """The sort key of a participant in the name-ordered indexes: unique, and it starts with the folded name."""
    return f"{fold(full_name)}#{participant_id}"


def name_shard(full_name: str) -> str:
    return fold(full_name)[:SHARD_LETTERS] or "-"


class Search(Struct, frozen=True):
    kind: str       # "phone" | "id_number" | "name"
    value: str      # the normalised phone, the CCCD, or the folded start of a name


def parse_search(q: str) -> Search:
    """What a search box's text asks for; ValueError (Vietnamese) for text that can be none of them."""
    text = unicodedata.normalize("NFKC", q).strip()
    phone = normalize_phone(text)
    if phone is not None:
        return Search("phone", phone)
    if _DIGITS.fullmatch(text):
        digits = re.sub(r"[^0-9]", "", text)
        if _ID_NUMBER.fullmatch(digits):
            return Search("id_number", digits)
        raise ValueError("Nhập đủ số điện thoại (10 chữ số) hoặc số CCCD (12 chữ số).")
    folded = fold(text)
    if len(folded) < SHARD_LETTERS:
        raise ValueError(f"Nhập ít nhất {SHARD_LETTERS} chữ cái đầu của họ tên.")
    return Search("name", folded[:100])
