"""The contest's pages (Markdown, shown as safe HTML) and announcements: read by everyone, written by organizers."""
from __future__ import annotations

import uuid

from chalicelib import errors, runtime
from chalicelib.contest import pages as rules
from chalicelib.contest.ids import plausible
from chalicelib.contest.pages import Announcement, Page
from chalicelib.contest.times import iso
from chalicelib.fields import text, validate
from chalicelib.store import content as content_store

PAGE_FIELDS = {"title": (text(1, 200), True), "body": (text(0, 60000), True)}
ANNOUNCEMENT_FIELDS = {"title": (text(1, 200), True), "body": (text(1, 10000), True)}
PREVIEW_FIELDS = {"body": (text(0, 60000), True)}


def _page_view(page: Page) -> dict:
    return {"slug": page.slug, "title": page.title, "body": page.body, "body_html": page.body_html,
            "updated_at": iso(page.updated_at)}


def _announcement_view(announcement: Announcement) -> dict:
    return {"id": announcement.id, "title": announcement.title, "body_html": announcement.body_html,
            "published_at": iso(announcement.published_at)}


def get_page(slug: str) -> dict:
    page = content_store.get_page(slug) if rules.SLUG.fullmatch(slug) else None
    if page is None:
        raise errors.not_found("page_not_found", "Không tìm thấy trang.")
    return _page_view(page)


def put_page(slug: str, body: dict) -> dict:
    if not rules.SLUG.fullmatch(slug):
        raise errors.invalid({"slug": "Địa chỉ trang chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang "
                                      "(tối đa 40 ký tự)."})
    clean = validate(body, PAGE_FIELDS)
    page = rules.page(slug, clean["title"], clean["body"], runtime.now_ms())
    content_store.save_page(page)
    return {"page": _page_view(page)}


def preview(body: dict) -> dict:
    """The HTML a page or an announcement body would be shown as, without saving anything."""
    return {"body_html": rules.render(validate(body, PREVIEW_FIELDS)["body"])}


def announcements() -> dict:
    return {"announcements": [_announcement_view(a) for a in content_store.announcements()]}


def post_announcement(body: dict) -> dict:
    clean = validate(body, ANNOUNCEMENT_FIELDS)
    now = runtime.now_ms()
    announcement = rules.announcement(f"{now:013d}-{uuid.uuid4().hex[:8]}", clean["title"], clean["body"], now)
    content_store.save_announcement(announcement)
    return {"announcement": _announcement_view(announcement)}


def delete_announcement(announcement_id: str) -> None:
    if not plausible(announcement_id) or not content_store.delete_announcement(announcement_id):
        raise errors.not_found("announcement_not_found", "Không tìm thấy thông báo.")
