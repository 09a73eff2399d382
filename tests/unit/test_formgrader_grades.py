"""The formgrader's sidebar offers the grade export and the progress app on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from nbgrader.server_extensions.formgrader import handlers

from isoko.courses.formgrader_grades import GRADES_PATH, SidebarLoader

PAGES = sorted(
    p.name
    for p in Path(handlers.template_path).glob("*.tpl")
    if p.name not in ("base.tpl", "base_403.tpl", "base_500.tpl", "formgrade_404.tpl")
)


@pytest.mark.parametrize("page", PAGES)
def test_every_formgrader_page_links_the_export_and_the_progress_app(page):
    env = Environment(loader=SidebarLoader(FileSystemLoader([handlers.template_path])))
    html = env.get_template(page).render(base_url="/services/pricing", url_prefix="")
    sidebar = html.split('<ul class="nav nav-pills nav-stacked">', 1)[1].split("</ul>", 1)[0]
    assert f'href="/services/pricing/{GRADES_PATH}" download>Export grades (CSV)<' in sidebar
    assert 'href="/services/pricing/voila/render/progress.ipynb"' in sidebar
    # nbgrader's own entries are still there, before Isoko's.
    assert sidebar.index("manage_students") < sidebar.index("Export grades")


def test_other_templates_are_left_alone():
    env = Environment(loader=SidebarLoader(FileSystemLoader([handlers.template_path])))
    stock = Environment(loader=FileSystemLoader([handlers.template_path]))
    for name in ("formgrade_404.tpl", "manage_students.tpl"):
        assert env.loader.get_source(env, name)[0] == stock.loader.get_source(stock, name)[0]
