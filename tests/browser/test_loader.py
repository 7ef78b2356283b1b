"""The snippet on a page of another website: its size, the button that follows availability
(S10, S24), the origin check, and what it must never do to the page."""

from __future__ import annotations

import gzip

from playwright.sync_api import expect

from tests.browser.support import REPO_ROOT, SCREENSHOTS, Widget, axe_violations

# What every page view with the snippet loads, and what pages load once someone can answer.
GZIP_BUDGETS = {"loader.js": 1024, "button.js": 1536, "check.js": 1536}


def test_the_loader_and_its_parts_stay_within_their_gzip_budgets(widget_built):
    for name, budget in GZIP_BUDGETS.items():
        script = (REPO_ROOT / "widget" / name).read_bytes()
        gzipped = len(gzip.compress(script, compresslevel=9))
        print(f"{name}: {len(script)} B raw, {gzipped} B gzip")
        assert gzipped <= budget, f"{name} is {gzipped} B gzip"
        # Minified, and nothing that reaches beyond its own elements.
        assert b"\n" not in script.strip()
        assert b"document.cookie" not in script and b"localStorage" not in script


def test_the_button_appears_with_the_first_available_agent_and_goes_with_the_last(
    stack, website, page, staff
):
    department = stack.new_department([website.origin])
    widget = Widget(page)
    page.clock.install()
    with page.expect_response(lambda r: "/availability" in r.url):
        page.goto(website.page(department))

    # Nobody can answer: the element is there, nothing is visible.
    widget.expect_state("hidden")
    expect(widget.button).to_be_hidden()

    anna, _ = staff(department, "Anna")
    ben, _ = staff(department, "Ben")
    # The loader re-checks on its interval (30 s) and shows the button without a reload.
    with page.expect_response(lambda r: "/availability" in r.url):
        page.clock.run_for(31_000)
    widget.expect_state("available")
    expect(widget.button).to_be_visible()
    expect(widget.button).to_have_accessible_name("Live-Chat öffnen")

    # Anna switches the livechat toggle off: Ben still answers, the button stays.
    stack.api.call("PUT", "/me/availability", {"available": False}, token=anna.token, expect=200)
    widget.recheck()
    widget.expect_state("available")

    # Ben, the last one, signs off: the button goes when the tab is visible again.
    stack.api.call("POST", "/auth/logout", token=ben.token, expect=204)
    widget.recheck()
    widget.expect_state("hidden")
    expect(widget.button).to_be_hidden()

    # Busy counts as not there (S3); online again brings the button back.
    stack.api.call("PUT", "/me/availability", {"available": True}, token=anna.token, expect=200)
    stack.api.call("PUT", "/me/status", {"status": "busy"}, token=anna.token, expect=200)
    widget.recheck()
    widget.expect_state("hidden")
    stack.api.call("PUT", "/me/status", {"status": "online"}, token=anna.token, expect=200)
    widget.recheck()
    widget.expect_state("available")


def test_the_button_is_in_the_pages_language_and_reachable_by_keyboard(stack, website, page, staff):
    department = stack.new_department([website.origin])
    staff(department)
    # No data-lang: the page's own lang decides; data-position puts it on the left; data-api
    # names the API (here the same one, with a trailing slash).
    page.goto(
        website.page(department, page_lang="en", position="left", api=stack.urls.api_url + "/")
    )
    widget = Widget(page)
    widget.expect_state("available")
    expect(widget.button).to_have_accessible_name("Open live chat")
    expect(widget.button).to_contain_text("Chat")
    box = widget.button.bounding_box()
    assert box is not None and box["x"] < 100

    for _ in range(10):
        page.keyboard.press("Tab")
        if widget.button_has_focus():
            break
    assert widget.button_has_focus(), "the chat button cannot be reached with Tab"
    page.keyboard.press("Enter")
    widget.expect_state("open")
    chat = widget.window()
    expect(chat.frame.locator("h1")).to_have_text("Live chat")
    expect(chat.text).to_be_focused()
    chat.send("Hello")
    expect(chat.notice).to_have_text(
        "You are in the queue (position 1). Please bear with us for a moment."
    )


def test_a_page_whose_origin_is_not_allowed_shows_nothing_and_tells_the_editor_why(
    stack, website, page, staff
):
    # The department allows the chat on the chat's own origin only, not on this website.
    department = stack.new_department([stack.urls.base_url])
    staff(department)
    widget = Widget(page)
    with page.expect_console_message(lambda m: m.type == "warning") as warning:
        page.goto(website.page(department))
    assert warning.value.text == "Livechat: origin-not-allowed"
    widget.expect_state("error")
    expect(widget.host).to_have_attribute("data-livechat-error", "origin-not-allowed")
    expect(widget.button).to_have_count(0)
    expect(widget.iframe).to_have_count(0)

    # An unknown department, or none: nothing either, and the element says why.
    for snippet_department in ("no-such-department", None):
        with page.expect_console_message(lambda m: m.type == "warning") as warning:
            page.goto(website.page(snippet_department))
        assert warning.value.text == "Livechat: department-unknown"
        widget.expect_state("error")
        expect(widget.host).to_have_attribute("data-livechat-error", "department-unknown")
        expect(widget.button).to_have_count(0)


def test_livechat_check_tells_the_editor_what_the_snippet_finds(stack, website, page, staff):
    """A page opened with #livechat-check shows a small box: department unknown, origin not
    allowed, nobody available, or all fine; in the page's language, checked by axe."""
    department = stack.new_department([website.origin], name="Bibliothek")
    elsewhere = stack.new_department([stack.urls.base_url])
    box = page.locator("livechat-check p")
    cases = [
        ("no-such-department", "Abteilung „no-such-department“ unbekannt"),
        (elsewhere, f"{website.origin} ist für die Abteilung „{elsewhere}“ nicht freigegeben"),
        (department, "gerade ist niemand erreichbar"),
    ]
    for snippet_department, text in cases:
        page.goto(website.page(snippet_department) + "#livechat-check")
        expect(box).to_contain_text(text)
        expect(box).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "livechat-check-nobody.png")

    # Someone comes: the box follows the loader's next check (the first answer was cached).
    staff(department)
    page.goto(website.page(department, page_lang="en") + "#livechat-check")
    Widget(page).recheck()
    expect(box).to_have_text("Live chat: All fine: the chat button is shown.")
    Widget(page).expect_state("available")
    # Without the fragment, no box and no check.js.
    page.goto(website.page(department))
    Widget(page).expect_state("available")
    expect(page.locator("livechat-check")).to_have_count(0)


def test_livechat_check_appears_when_the_fragment_is_added_to_an_open_page(stack, website, page):
    """Editors often add the fragment in the address bar of the page they are on: no reload
    happens, the box comes all the same, once."""
    department = stack.new_department([website.origin], name="Mensa")
    page.goto(website.page(department))
    Widget(page).expect_state("hidden")
    expect(page.locator("livechat-check")).to_have_count(0)

    page.evaluate("() => { location.hash = 'livechat-check'; }")
    expect(page.locator("livechat-check p")).to_contain_text("gerade ist niemand erreichbar")
    page.evaluate("() => { location.hash = ''; location.hash = 'livechat-check'; }")
    expect(page.locator("livechat-check")).to_have_count(1)


def test_the_chat_window_refuses_pages_that_frame_it_themselves(stack, website, page, staff):
    department = stack.new_department([stack.urls.base_url])
    staff(department)
    # Honest about its origin, which is not allowed; then lying that it is the allowed one.
    for claimed in (website.origin, stack.urls.base_url):
        page.goto(website.framed_chat(department, claimed))
        frame = page.frame_locator("iframe")
        expect(frame.locator("#notice")).to_have_text(
            "Der Chat ist auf dieser Seite nicht freigegeben."
        )
        expect(frame.locator("#composer")).to_be_hidden()


def test_the_loader_adds_no_cookie_no_global_and_no_style_to_the_page(
    stack, website, context, page, staff
):
    department = stack.new_department([website.origin])
    staff(department)
    globals_of = "() => Object.getOwnPropertyNames(window).sort()"

    page.goto(website.page(department, snippet="0", hostile="1"))
    without_widget = page.evaluate(globals_of)
    page_button_style = page.evaluate(
        "() => getComputedStyle(document.querySelector('.page-button')).backgroundColor"
    )

    page.goto(website.page(department, hostile="1"))
    widget = Widget(page)
    widget.expect_state("available")
    assert page.evaluate(globals_of) == without_widget
    # The theme's CSS does not reach into the widget...
    style = widget.button.evaluate(
        """(button) => {
            const s = getComputedStyle(button);
            return [s.backgroundColor, s.color, s.fontFamily, s.letterSpacing, s.display];
        }"""
    )
    assert style[:2] == ["rgb(10, 88, 168)", "rgb(255, 255, 255)"]
    assert "Comic" not in style[2] and style[3] == "normal" and style[4] == "flex"
    expect(widget.button).to_be_visible()
    # ...and nothing of the widget's reaches the page.
    assert page.evaluate("() => document.querySelectorAll('style').length") == 1
    assert page_button_style == page.evaluate(
        "() => getComputedStyle(document.querySelector('.page-button')).backgroundColor"
    )

    chat = widget.open()
    chat.send("Hallo")
    expect(chat.line("Hallo")).to_be_visible()
    assert context.cookies() == []


def test_the_loader_listens_only_to_its_own_chat_window(stack, website, page, staff):
    department = stack.new_department([website.origin])
    staff(department)
    page.goto(website.page(department))
    widget = Widget(page)
    chat = widget.open()
    expect(chat.text).to_be_focused()
    # Anything else on the page (another origin than the chat's) posting the same shape.
    # Messages from one window arrive in order: once the marker is in, the forgery was seen.
    page.evaluate(
        """() => new Promise((resolve) => {
            addEventListener("message", (e) => e.data === "marker" && resolve());
            postMessage({livechat: {open: false, active: true, unread: 7}}, "*");
            postMessage("marker", "*");
        })"""
    )
    widget.expect_state("open")
    expect(widget.badge).to_be_hidden()
    # Its own window, from the chat's origin, is obeyed.
    chat.tool("Chat schließen (das Fenster minimiert sich)").click()
    widget.expect_state("available")
