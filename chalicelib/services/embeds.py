"""What unit websites embed: the live totals of the contest (and of a round), and one unit's participation
against its targets, as JSON and as an SVG banner (no script, nothing but text and shapes)."""
from __future__ import annotations

from xml.sax.saxutils import escape

from chalicelib import errors, runtime
from chalicelib.contest.ids import plausible
from chalicelib.contest.rounds import Round
from chalicelib.services import contest as contest_service
from chalicelib.services import standings
from chalicelib.services.lookups import round_or_404
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store

UNIT_FIGURES = ("participants", "officials", "citizens", "submissions", "headcount", "population",
                "official_rate", "citizen_rate", "meets_targets")


def _round_for(round_id: str | None, now: int) -> Round | None:
    """The round asked for, else the one open now, else the latest that has opened."""
    if round_id is not None:
        return round_or_404(round_id)
    started = [r for r in round_store.list_rounds() if r.opens_at <= now]
    open_now = [r for r in started if r.effective_status(now) == "open"]
    candidates = open_now or started
    return candidates[-1] if candidates else None


def _unit(unit_id: str, round_: Round | None) -> dict:
    unit = next((u for u in unit_store.list_units() if u.id == unit_id), None) if plausible(unit_id) else None
    if unit is None:
        raise errors.not_found("unit_not_found", "Không tìm thấy đơn vị.")
    entries = standings.unit_table(round_.id)["entries"] if round_ else []
    row: dict = next((e for e in entries if e["unit_id"] == unit_id), {})
    return {"id": unit.id, "name": unit.name, **{name: row.get(name) for name in UNIT_FIGURES}}


def figures(unit_id: str | None, round_id: str | None, site_url: str) -> dict:
    now = runtime.now_ms()
    round_ = _round_for(round_id, now)
    totals = standings.stats()
    settings = contest_service.settings()
    body: dict = {"contest": settings.name, "url": site_url, "as_of": totals["as_of"],
                  **{name: totals[name] for name in ("registered", "participants", "submissions")},
                  "round": None, "unit": None,
                  "targets": {"official_rate": settings.targets.official_rate,
                              "citizen_rate": settings.targets.citizen_rate}}
    if round_ is not None:
        counted: dict = next((r for r in totals["rounds"] if r["round_id"] == round_.id), {})
        body["round"] = {"id": round_.id, "name": round_.name, "participants": counted.get("participants", 0),
                         "submissions": counted.get("submissions", 0)}
    if unit_id is not None:
        body["unit"] = _unit(unit_id, round_)
    return body


# --- the SVG banner


def _number(value: int | None) -> str:
    """Vietnamese grouping: 14.441."""
    return "0" if value is None else f"{value:,}".replace(",", ".")


def _percent(rate: float | None) -> str:
    return "chưa có số liệu" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + "%"


def _unit_lines(unit: dict, targets: dict) -> list[str]:
    lines = [f"{unit['name']}: {_number(unit['participants'])} người dự thi, {_number(unit['submissions'])} bài thi"]
    if unit["headcount"]:
        lines.append(f"CBCCVC tham gia: {_percent(unit['official_rate'])} "
                     f"(chỉ tiêu {_percent(targets['official_rate'])})")
    if unit["population"]:
        lines.append(f"Người dân tham gia: {_percent(unit['citizen_rate'])} "
                     f"(chỉ tiêu {_percent(targets['citizen_rate'])})")
    if unit["headcount"] or unit["population"]:
        lines.append("Đã đạt chỉ tiêu" if unit["meets_targets"] else "Chưa đạt chỉ tiêu")
    return lines


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def banner_svg(body: dict) -> str:
    """A 600-wide banner: the contest's name, the totals, the round and unit lines, and the link to take part."""
    lines = [f"{_number(body['registered'])} người đăng ký · {_number(body['participants'])} người dự thi · "
             f"{_number(body['submissions'])} bài thi"]
    if body["round"]:
        r = body["round"]
        lines.append(f"{r['name']}: {_number(r['participants'])} người dự thi, {_number(r['submissions'])} bài thi")
    if body["unit"]:
        lines += _unit_lines(body["unit"], body["targets"])
    height = 78 + 22 * len(lines)
    texts = [f'<text x="20" y="{62 + 22 * i}" font-size="15">{escape(line)}</text>' for i, line in enumerate(lines)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="{height}" viewBox="0 0 600 {height}" '
        f'role="img" aria-label="{_attribute(body["contest"])}">'
        f'<rect width="600" height="{height}" rx="10" fill="#0b5394"/>'
        f'<g fill="#ffffff" font-family="Arial, Helvetica, sans-serif">'
        f'<text x="20" y="32" font-size="17" font-weight="bold">{escape(body["contest"])}</text>'
        + "".join(texts) +
        f'<a href="{_attribute(body["url"])}">'
        f'<text x="20" y="{height - 16}" font-size="15" text-decoration="underline">'
        f'Tham gia dự thi: {escape(body["url"])}</text></a></g></svg>'
    )
