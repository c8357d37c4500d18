"""Pages and announcements: a few small items read by every visitor, so cached briefly (the contest's list of
pages and the newest announcements are one Query each)."""
from __future__ import annotations

from chalicelib import config
from chalicelib.contest.pages import Announcement, Page
from chalicelib.store.cache import TimedCache
from chalicelib.store.items import delete_existing, get_or_none
from chalicelib.store.models import ContentModel

PAGE, ANNOUNCEMENT = "page", "announcement"
SHOWN_ANNOUNCEMENTS = 50
_cache: TimedCache = TimedCache(lambda: config.current().round_cache_seconds)


def _page(item: ContentModel) -> Page:
    return Page(item.key, item.title, item.body, item.body_html, int(item.at))


def _announcement(item: ContentModel) -> Announcement:
    return Announcement(item.key, item.title, item.body, item.body_html, int(item.at))


def save_page(page: Page) -> None:
    ContentModel(PAGE, page.slug, title=page.title, body=page.body, body_html=page.body_html,
                 at=page.updated_at).save()
    _cache.clear()


def get_page(slug: str) -> Page | None:
    def load() -> Page | None:
        item = get_or_none(ContentModel, PAGE, slug, consistent=False)
        return None if item is None else _page(item)
    return _cache.get((PAGE, slug), load)


def page_titles() -> list[tuple[str, str]]:
    """(slug, title) of every page, by slug."""
    return _cache.get(PAGE, lambda: [(item.key, item.title) for item in ContentModel.query(
        PAGE, attributes_to_get=["kind", "key", "title"])])


def save_announcement(announcement: Announcement) -> None:
    ContentModel(ANNOUNCEMENT, announcement.id, title=announcement.title, body=announcement.body,
                 body_html=announcement.body_html, at=announcement.published_at).save()
    _cache.clear()


def announcements() -> list[Announcement]:
    """The newest announcements first (their ids sort by publication time)."""
    return _cache.get(ANNOUNCEMENT, lambda: [_announcement(item) for item in ContentModel.query(
        ANNOUNCEMENT, scan_index_forward=False, limit=SHOWN_ANNOUNCEMENTS)])


def delete_announcement(announcement_id: str) -> bool:
    """False when there was no such announcement."""
    try:
        return delete_existing(ContentModel(ANNOUNCEMENT, announcement_id), ContentModel.key.exists())
    finally:
        _cache.clear()
