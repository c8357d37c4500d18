"""Registration: messages for people (never the server's internal words), the unit picker as one tab stop driven by
the keyboard, aria-invalid on bad fields and a visible focus."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.conftest import dump


def registrations(page) -> list[dict]:
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/api/participants") else None)
    return sent


def fill_required(page, phone="0912888001"):
    page.fill("#f-full_name", "Hồ Thị Ánh Tuyết")
    page.fill("#f-phone", phone)
    page.fill("#f-password", "mat-khau-123")
    page.select_option("#f-category", "official")


def test_the_unit_picker_is_one_tab_stop_for_the_keyboard(live_contest, page):
    page.goto(live_contest.base + "/#/dang-ky")
    sent = registrations(page)
    fill_required(page)
    expect(page.locator("#unit-list li[data-unit]")).to_have_count(3)
    assert page.locator("#unit-list [tabindex]").count() == 0

    # No unit chosen: said on the page, nothing sent.
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#err-unit_id")).to_have_text("Vui lòng chọn đơn vị.")
    expect(page.locator("#f-unit_id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-unit_id")).to_be_focused()
    assert sent == []

    # One tab stop: from the category to the picker, then straight on to the next field.
    page.focus("#f-category")
    page.keyboard.press("Tab")
    expect(page.locator("#f-unit_id")).to_be_focused()
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()")
    assert style == ["solid", "3px"], style  # a focus you can see
    combobox = page.get_by_role("combobox", name="Đơn vị công tác / nơi cư trú")
    expect(combobox).to_have_attribute("aria-controls", "unit-list")

    # Arrow keys move the active option (aria-activedescendant); Enter chooses it and never submits the form.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = combobox.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("role") == "option"
    expect(page.locator(f"#{active}")).to_have_class("active")
    chosen_id = page.locator(f"#{active}").get_attribute("data-unit")
    page.keyboard.press("Enter")
    expect(page.locator(f"#unit-list li[data-unit='{chosen_id}']")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".unitchosen")).to_contain_text("Đã chọn:")
    expect(page.locator("#err-unit_id")).to_be_empty()
    expect(page.locator("#f-unit_id")).not_to_have_attribute("aria-invalid", "true")
    page.keyboard.type("khong co don vi nay")
    expect(page.locator("#unit-list")).to_have_text("Không tìm thấy đơn vị phù hợp.")
    page.keyboard.press("Enter")  # nothing to choose: nothing happens
    page.keyboard.press("Escape")  # clears the search
    expect(page.locator("#unit-list li[data-unit]")).to_have_count(3)
    page.keyboard.type("hai dinh")
    expect(page.locator("#unit-list li[data-unit]")).to_have_count(1)
    page.keyboard.press("Enter")  # the one match is active as soon as one types
    expect(page.locator(".unitchosen")).to_have_text("Đã chọn: Thành phố Đồng Hới › Phường Hải Đình")
    page.keyboard.press("Tab")
    expect(page.locator("#f-birth_year")).to_be_focused()
    assert sent == []

    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#nav")).to_contain_text("Hồ Thị Ánh Tuyết")
    assert [body["unit_id"] for body in sent] == ["dong-hoi-hai-dinh"]
    assert page.problems == [], page.problems


def test_field_messages_are_the_pages_own(live_contest, page):
    page.goto(live_contest.base + "/#/dang-ky")
    fill_required(page, phone="12345")
    page.fill("#f-password", "ngan")
    page.fill("#f-unit_id", "noi vu")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Đăng ký").click()  # the real server refuses the phone and the password
    expect(page.locator("#err-phone")).to_have_text("Số điện thoại di động không hợp lệ (ví dụ: 0912 345 678).")
    expect(page.locator("#err-password")).to_have_text("Mật khẩu phải có từ 8 đến 128 ký tự.")
    expect(page.locator("#f-phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-phone")).to_be_focused()
    expect(page.get_by_role("alert")).to_have_text("Vui lòng sửa các trường được đánh dấu.")

    # Messages written for developers ("one of: official, citizen") never reach the page, whichever field.
    internal = dump({"error": {"code": "invalid", "message": "Dữ liệu không hợp lệ.", "fields": {
        "category": "Phải là một trong: official, citizen.", "unit_id": "Đơn vị không tồn tại.",
        "birth_year": "Phải là số nguyên từ 1900 đến 2100.", "device": "unexpected field"}}})
    page.route("**/api/participants", lambda route: route.fulfill(status=400, content_type="application/json",
                                                                  body=internal))
    page.fill("#f-phone", "0912888002")
    page.fill("#f-password", "mat-khau-123")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#err-category")).to_have_text("Vui lòng chọn đối tượng.")
    expect(page.locator("#err-unit_id")).to_have_text("Đơn vị đã chọn không còn trong danh sách, vui lòng chọn lại.")
    expect(page.locator("#err-birth_year")).to_have_text("Năm sinh không hợp lệ.")
    expect(page.locator("#err-phone")).to_be_empty()
    expect(page.locator("#f-phone")).not_to_have_attribute("aria-invalid", "true")
    text = page.locator("main").inner_text()
    for word in ("official", "citizen", "Phải là", "device", "unit_id"):
        assert word not in text, (word, text)
    assert page.problems == [], page.problems
