"""Tables as people use them: picking a row opens it (a real browser, fa)."""

from __future__ import annotations

from tests.e2e.conftest import login, screenshot, settle


def test_picking_a_user_row_opens_that_user_for_editing(page, live_app):
    """A row found in the table had to be picked again in a dropdown below it."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, live_app, "admin")
    page.goto(f"{live_app.url}/admin")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    settle(page)
    # Other tests add users: narrow the list to the one person first.
    search = page.get_by_role("textbox", name="جست‌وجوی نام یا نام کاربری")
    search.fill("کارمند نمونه")
    search.press("Enter")
    settle(page)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The row-picking boxes are the grid's first column on the left; rows are 35 px
    # under a 35 px header: the first row is now employee («کارمند نمونه»).
    page.mouse.move(box["x"] + 18, box["y"] + 35 + 17)
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    settle(page)
    name = page.get_by_role("textbox", name="نام و نام خانوادگی")
    name.first.wait_for()
    values = [name.nth(i).input_value() for i in range(name.count())]
    assert "کارمند نمونه" in values, values
    screenshot(page, "admin_user_picked_fa")
