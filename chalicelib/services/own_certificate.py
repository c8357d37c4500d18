"""A participant's certificate of a published round (`GET /api/me/rounds/{id}/certificate`): made on the first
request from the final place kept at finalization (services/certificates.py draws it) and kept in the results
bucket, so later downloads cost one read."""
from __future__ import annotations

from chalicelib import auth, errors
from chalicelib.contest.times import date_in_words
from chalicelib.services import contest as contest_service
from chalicelib.services import sessions
from chalicelib.services.certificates import CertificateText, certificate_pdf
from chalicelib.services.lookups import round_or_404
from chalicelib.services.own_standing import final_place
from chalicelib.store import results as result_store
from chalicelib.store import units as unit_store


def certificate(principal: auth.Principal, round_id: str) -> bytes:
    round_ = round_or_404(round_id)
    participant = sessions.current(principal)
    if round_.published_at is None:         # not published yet
        raise errors.conflict("round_not_published",
                              "Kết quả đợt thi chưa được công bố nên chưa có giấy chứng nhận.")
    place = final_place(round_, participant.id)
    if place is None:
        raise errors.not_found("no_certificate",
                               "Bạn không có bài thi được chấp nhận trong đợt thi này nên không có giấy chứng nhận.")
    kept = result_store.load_certificate(round_.id, participant.id)
    if kept is not None:
        return kept
    settings = contest_service.settings()
    units = {unit.id: unit.name for unit in unit_store.list_units()}
    pdf = certificate_pdf(CertificateText(
        contest=settings.name, full_name=participant.full_name, unit=units.get(place["unit_id"], place["unit_id"]),
        round_name=round_.name, correct=place["correct"], total=place["total"], duration_ms=place["duration_ms"],
        rank=place["rank"], prize=place["prize"], issued_on=date_in_words(round_.published_at, settings.timezone)))
    result_store.save_certificate(round_.id, participant.id, pdf)
    return pdf
