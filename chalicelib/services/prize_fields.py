"""The checks of a round's `prizes` and `unit_prizes` fields (field checkers as in chalicelib/fields.py)."""
from __future__ import annotations

from chalicelib.contest import prizes as rules
from chalicelib.contest.prizes import Prize, UnitPrize
from chalicelib.contest.ranking import CATEGORIES
from chalicelib.fields import integer, one_of, optional, text

_name = text(1, 100)
_count = integer(1, rules.MAX_AWARDS)
_category = optional(one_of(*CATEGORIES, message="Đối tượng phải là official (cán bộ, công chức), citizen "
                                                  "(nhân dân) hoặc để trống (xếp chung)."))


def _lines(value, keys: set[str], make, limit: int) -> tuple:
    if not isinstance(value, list) or len(value) > rules.MAX_PRIZES:
        raise ValueError(f"Phải là danh sách tối đa {rules.MAX_PRIZES} giải.")
    made = []
    for number, line in enumerate(value, start=1):
        if not isinstance(line, dict) or not {"name", "count"} <= set(line) <= keys:
            raise ValueError(f"Giải thứ {number}: cần tên giải (name) và số lượng (count).")
        try:
            made.append(make(line))
        except ValueError as error:
            raise ValueError(f"Giải thứ {number}: {error}") from None
    if rules.total_awards(made) > limit:
        raise ValueError(f"Tổng số giải không được quá {limit}.")
    names = [(p.name, getattr(p, "category", None)) for p in made]
    if len(set(names)) < len(names):
        raise ValueError("Mỗi giải chỉ được khai báo một lần (cho mỗi đối tượng).")
    return tuple(made)


def prize_list(value) -> tuple[Prize, ...]:
    """[{name, count, category?}] → the round's individual prizes."""
    return _lines(value, {"name", "count", "category"},
                  lambda line: Prize(_name(line["name"]), _count(line["count"]), _category(line.get("category"))),
                  rules.MAX_AWARDS)


def unit_prize_list(value) -> tuple[UnitPrize, ...]:
    """[{name, count}] → the round's collective prizes."""
    return _lines(value, {"name", "count"},
                  lambda line: UnitPrize(_name(line["name"]), integer(1, rules.MAX_UNIT_AWARDS)(line["count"])),
                  rules.MAX_UNIT_AWARDS)
