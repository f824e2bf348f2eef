"""Browser steps for the segment builder, shared by journeys (the segment test, the campaign
journey): staff already signed in to the admin build a segment and save it."""

import re
from collections.abc import Sequence

from playwright.sync_api import Page, expect

from crm.models import Segment

# What a condition fills in beyond its field: {"field": "orders_count", "low": "1"},
# {"field": "consent", "channel": "email"}, {"field": "gender", "genders": ["female"]},
# {"field": "bought_in_category", "category": "12"}, {"field": "signed_up", "after": "2026-01-01"}.
CHECKBOXES = ("genders", "rfm_groups", "tiers")
SELECTS = ("channel", "category", "place")
MULTI_SELECTS = ("cities",)


def _live_count(page: Page) -> str:
    return page.locator("#segment-count").inner_text()


def build_segment(
    page: Page,
    base_url: str,
    name: str,
    conditions: Sequence[dict] = ({"field": "consent", "channel": "email"},),
    *,
    match: str = "all",
    expected_counts: Sequence[int] | None = None,
) -> Segment:
    """Open the builder (in whichever language `base_url` names: the steps find buttons by
    their names, not their words), add `conditions` one by one, waiting after each for the live
    count to change (and to read `expected_counts[i]` members when given), then save under
    `name`; returns the segment."""
    page.goto(f"{base_url}/admin/crm/segment/add/")
    expect(page.locator("#segment-count")).to_be_visible()
    page.locator("input[name='name']").fill(name)
    page.locator("select[name='match']").select_option(match)
    for index, condition in enumerate(conditions):
        if index:
            page.locator("button[name='add'][value='main']").click()
            expect(page.locator(".segment-row")).to_have_count(index + 1)
        before = _live_count(page)
        row = page.locator(f"#segment-row-{index}")
        row.locator(f"select[name='c{index}-field']").select_option(condition["field"])
        for key, value in condition.items():
            if key == "field":
                continue
            target = f"[name='c{index}-{key}']"
            if key in CHECKBOXES:
                for one in value:
                    row.locator(f"input{target}[value='{one}']").check()
            elif key in SELECTS or key in MULTI_SELECTS:
                row.locator(f"select{target}").select_option(value)
            else:
                row.locator(f"input{target}").fill(str(value))
        counted = page.locator("#segment-count")
        expect(counted).not_to_have_text(before)
        if expected_counts is not None:
            wanted = expected_counts[index]  # "3 members", "3 üye"
            expect(counted).to_have_text(re.compile(rf"^\s*{wanted} \S+\s*$"))
        else:
            expect(counted).to_have_text(re.compile(r"^\s*\d+ \S+\s*$"))
    page.locator("input[name='save']").click()
    expect(page).to_have_url(re.compile(r"/admin/crm/segment/$"))
    return Segment.objects.get(name=name)
