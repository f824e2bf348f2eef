"""Every browser journey fails if a page asks for something that is not there (a favicon, a
script, an image, a link followed): no URL any journey fetches may answer 404. A form's answer
is not a fetch: a wrong order number on the tracking form is a 404 on purpose."""

from collections.abc import Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "expects_404: the browser test visits a missing page on purpose"
    )


@pytest.fixture(autouse=True)
def _no_missing_urls(request: pytest.FixtureRequest, monkeypatch) -> Iterator[None]:
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    browser = request.getfixturevalue("browser")
    missing: list[str] = []
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on(
            "response",
            lambda response: (
                missing.append(response.url)
                if response.status == 404 and response.request.method == "GET"
                else None
            ),
        )
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield
    if missing and request.node.get_closest_marker("expects_404") is None:
        pytest.fail(f"the journey requested URLs that answer 404: {missing}", pytrace=False)
