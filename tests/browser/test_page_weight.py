"""Page weight: a reader on a slow phone connection gets a training module's first view quickly."""

from __future__ import annotations

import re

from .browser_checks import wait_until_settled

BUDGET = 400_000  # bytes, uncompressed (the test server does not compress)
COUNTED = {"document", "stylesheet", "script", "font"}


def test_training_module_first_view_is_within_budget(new_context, base_url, site_dir, pages) -> None:
    """HTML, CSS, JavaScript and fonts of a first (uncached) view of the heaviest training module
    add up to at most 400 KB. (The search index, fetched as data, is not counted.)"""
    modules = [p for p in pages if re.match(r"training/[^/]+/$", p) and p != "training/"]
    training_module = max(modules, key=lambda p: (site_dir / p / "index.html").stat().st_size)
    page = new_context().context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(base_url + training_module)
    wait_until_settled(page)
    page.wait_for_load_state("networkidle")
    sizes = {}
    for response in responses:
        kind = response.request.resource_type
        if kind in COUNTED:
            sizes[response.url.removeprefix(base_url)] = (kind, len(response.body()))
    total = sum(size for _, size in sizes.values())
    breakdown = "\n".join(f"{size:>9,} {kind:<10} {url}" for url, (kind, size) in
                          sorted(sizes.items(), key=lambda item: -item[1][1]))
    print(f"\n{training_module}: first view {total:,} bytes\n{breakdown}")
    assert total <= BUDGET, f"{training_module}: first view is {total:,} bytes, over {BUDGET:,}:\n{breakdown}"
    assert {kind for kind, _ in sizes.values()} >= {"document", "stylesheet", "script"}, breakdown
