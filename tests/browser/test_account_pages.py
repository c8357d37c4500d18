"""A participant's account in a real browser at 360 px: the profile (kept after a reload; unit and category fixed
once an attempt exists), the password change, logout, the forgotten password and registration with an SMS code
read from the local outbox, and the wait after too many codes. No screen scrolls sideways."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_narrow import fits
from tests.browser.test_participant import login, open_round


def stored_token(page) -> str:
    return page.evaluate("localStorage.getItem('cuocthi.token') || sessionStorage.getItem('cuocthi.token')")


def logout(page) -> None:
    page.locator("#nav").get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("#nav").get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_profile_edit_persists_and_the_unit_is_fixed_after_an_attempt(live_contest, page):
    open_round(live_contest)
    token, person = live_contest.register(name="Nguyễn Văn An")
    login(page, live_contest.base, person["phone"])
    expect(page.locator("#nav")).to_contain_text("Nguyễn Văn An")
    page.get_by_role("link", name="Tài khoản").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.locator("#f-full_name")).to_have_value("Nguyễn Văn An")
    expect(page.locator(".unitchosen")).to_contain_text("Sở Nội vụ")
    fits(page)

    # A bad birth year: said in the page's words next to the field, which is marked for screen readers.
    page.fill("#f-birth_year", "12")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.locator("#err-birth_year")).to_have_text("Năm sinh không hợp lệ.")
    expect(page.locator("#f-birth_year")).to_have_attribute("aria-invalid", "true")

    page.fill("#f-full_name", "Nguyễn Văn Ân")
    page.fill("#f-email", "an.nguyen@example.vn")
    page.fill("#f-birth_year", "1990")
    page.select_option("#f-category", "citizen")
    page.fill("#f-unit_id", "hai dinh")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu thông tin của bạn.")
    expect(page.locator("#f-birth_year")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#nav")).to_contain_text("Nguyễn Văn Ân")

    page.reload()
    expect(page.locator("#f-full_name")).to_have_value("Nguyễn Văn Ân")
    expect(page.locator("#f-email")).to_have_value("an.nguyen@example.vn")
    expect(page.locator("#f-birth_year")).to_have_value("1990")
    expect(page.locator("#f-category")).to_have_value("citizen")
    expect(page.locator(".unitchosen")).to_have_text("Đã chọn: Thành phố Đồng Hới › Phường Hải Đình")
    me = live_contest.api.get("/api/me", token=token).body["participant"]
    assert (me["full_name"], me["unit_id"], me["category"], me["birth_year"]) == \
        ("Nguyễn Văn Ân", "dong-hoi-hai-dinh", "citizen", 1990)

    # An attempt starts elsewhere while the page is open: moving to another unit is refused in plain words.
    live_contest.start(token)
    page.select_option("#f-category", "official")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Bạn đã làm bài thi nên không thể đổi đơn vị hoặc đối tượng dự thi. Nếu cần đổi, vui lòng liên hệ ban tổ chức.")
    # Reloaded: the unit and the category are shown, no longer offered; the name can still change.
    page.reload()
    expect(page.locator("#unit-locked")).to_contain_text("Phường Hải Đình")
    expect(page.locator("#unit-locked")).to_contain_text("Nhân dân")
    assert page.locator("#f-unit_id").count() == 0 and page.locator("#f-category").count() == 0
    page.fill("#f-full_name", "Nguyễn Văn An")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu thông tin của bạn.")
    fits(page)
    assert page.problems == [], page.problems


def test_password_change_then_logout_and_login_with_the_new_password(live_contest, page):
    _, person = live_contest.register(name="Trần Thị Bình")
    login(page, live_contest.base, person["phone"])
    expect(page.locator("#nav")).to_contain_text("Trần Thị Bình")
    page.goto(live_contest.base + "/#/tai-khoan")
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()

    page.fill("#f-password", "sai-mat-khau")
    page.fill("#f-new_password", "mat-khau-moi-456")
    page.fill("#f-new_password2", "mat-khau-moi-457")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator("#err-new_password2")).to_have_text("Hai lần nhập mật khẩu mới không giống nhau.")
    expect(page.locator("#f-new_password2")).to_have_attribute("aria-invalid", "true")
    page.fill("#f-new_password2", "mat-khau-moi-456")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator("#err-password")).to_have_text("Mật khẩu hiện tại không đúng.")
    expect(page.locator("#f-password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#nav")).to_contain_text("Trần Thị Bình")             # a wrong password is no logout

    page.fill("#f-password", "mat-khau-123")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đổi mật khẩu.")
    fits(page)
    page.reload()                                                              # the new token was kept
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    token = stored_token(page)
    assert live_contest.api.get("/api/me", token=token).status == 200

    logout(page)
    assert stored_token(page) is None
    assert live_contest.api.get("/api/me", token=token).status == 401       # logout ended the session

    login(page, live_contest.base, person["phone"], "mat-khau-123")
    expect(page.get_by_role("alert")).to_have_text("Số điện thoại hoặc mật khẩu không đúng.")
    page.fill("#f-password", "mat-khau-moi-456")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#nav")).to_contain_text("Trần Thị Bình")
    assert page.problems == [], page.problems


def test_forgotten_password_with_the_code_from_the_sms_outbox(live_contest, page, sms_outbox):
    _, person = live_contest.register(name="Lê Hoàng Bảo Ngọc")
    page.goto(live_contest.base + "/#/dang-nhap")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    expect(page.get_by_role("heading", name="Quên mật khẩu")).to_be_visible()
    fits(page)

    page.get_by_role("button", name="Gửi mã xác minh").click()               # no phone yet: said, nothing sent
    expect(page.locator("#err-phone")).to_have_text("Vui lòng nhập số điện thoại để nhận mã.")
    assert sms_outbox.messages() == []
    page.fill("#f-phone", person["phone"])
    page.get_by_role("button", name="Gửi mã xác minh").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi mã xác minh qua tin nhắn đến số " + person["phone"])
    expect(page.locator("#f-code")).to_be_focused()
    code = sms_outbox.code(person["phone"], "reset")

    page.fill("#f-code", "000000" if code != "000000" else "111111")
    page.fill("#f-new_password", "mat-khau-moi-789")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.locator("#err-code")).to_contain_text("Mã xác minh không đúng hoặc đã hết hạn.")
    expect(page.locator("#f-code")).to_have_attribute("aria-invalid", "true")
    page.fill("#f-code", code)
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.locator("#nav")).to_contain_text("Lê Hoàng Bảo Ngọc")         # logged in with the returned token
    assert live_contest.api.get("/api/me", token=stored_token(page)).status == 200

    logout(page)
    login(page, live_contest.base, person["phone"], "mat-khau-moi-789")
    expect(page.locator("#nav")).to_contain_text("Lê Hoàng Bảo Ngọc")
    assert page.problems == [], page.problems


def test_login_by_code(live_contest, page, sms_outbox):
    _, person = live_contest.register(name="Phạm Minh Tuấn")
    page.goto(live_contest.base + "/#/dang-nhap")
    page.get_by_role("link", name="Đăng nhập bằng mã qua tin nhắn").click()
    page.fill("#f-phone", person["phone"])
    page.get_by_role("button", name="Gửi mã xác minh").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi mã xác minh")
    page.fill("#f-code", sms_outbox.code(person["phone"], "login"))
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.locator("#nav")).to_contain_text("Phạm Minh Tuấn")
    fits(page)
    assert page.problems == [], page.problems


def test_registration_with_required_phone_verification(live_contest, page, sms_outbox):
    reply = live_contest.api.put("/api/admin/contest", {"phone_verification": "required"}, token=live_contest.admin)
    assert reply.status == 200, reply.text
    busy = "0912999001"
    for _ in range(3):                                                          # this phone has had its codes
        assert live_contest.api.post("/api/verifications", {"phone": busy, "purpose": "register"}).status == 202

    page.goto(live_contest.base + "/#/dang-ky")
    page.fill("#f-full_name", "Hoàng Thị Thu Hường")
    page.fill("#f-phone", busy)
    page.fill("#f-password", "mat-khau-123")
    page.select_option("#f-category", "citizen")
    page.fill("#f-unit_id", "hai dinh")
    page.keyboard.press("Enter")
    fits(page)
    page.get_by_role("button", name="Đăng ký").click()                         # no code: said next to its field
    expect(page.locator("#err-code")).to_contain_text("Vui lòng nhập mã xác minh")
    expect(page.locator("#f-code")).to_have_attribute("aria-invalid", "true")

    page.get_by_role("button", name="Gửi mã xác minh").click()                 # too many codes: how long to wait
    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"^Bạn đã yêu cầu quá nhiều mã xác minh\. Vui lòng chờ \d+ phút rồi thử lại\.$"))
    assert len(sms_outbox.messages()) == 3

    phone = "0912999002"
    page.fill("#f-phone", phone)
    page.get_by_role("button", name="Gửi mã xác minh").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi mã xác minh qua tin nhắn đến số " + phone)
    code = sms_outbox.code(phone, "register")
    page.fill("#f-code", "000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#err-code")).to_contain_text("Mã xác minh không đúng hoặc đã hết hạn.")
    page.fill("#f-code", code)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#nav")).to_contain_text("Hoàng Thị Thu Hường")
    me = live_contest.api.get("/api/me", token=stored_token(page)).body["participant"]
    assert me["verified"] is True and me["phone"] == phone
    assert page.problems == [], page.problems
