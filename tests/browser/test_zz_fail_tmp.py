from playwright.sync_api import expect

def test_fails(live_server, page):
    page.goto(live_server.url("/"))
    page.set_default_timeout(500)
    expect(page.get_by_role("heading", name="nonexistent")).to_be_visible()
