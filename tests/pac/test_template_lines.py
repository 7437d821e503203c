"""The template line-length check that CI runs (manage.py check_template_lines)."""

import pytest
from django.core.management import CommandError, call_command

from pac.management.commands.check_template_lines import long_lines, template_files


def _tree(tmp_path, text, name="app/templates/app/page.html"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_line_over_the_limit_is_named_with_its_file_and_number(tmp_path):
    page = _tree(tmp_path, "<p>short</p>\n" + "<td>" + "x" * 160 + "</td>\n")
    assert long_lines(tmp_path) == [(page, 2, 169)]


def test_a_line_at_the_limit_passes(tmp_path):
    _tree(tmp_path, "x" * 160 + "\n")
    assert long_lines(tmp_path) == []


def test_only_project_templates_are_read(tmp_path):
    _tree(tmp_path, "x" * 200, ".venv/lib/site-packages/pkg/templates/pkg/a.html")
    _tree(tmp_path, "x" * 200, "app/static/app/big.html")
    _tree(tmp_path, "x" * 200, "app/templates/app/email/note.txt")  # a plain-text email's paragraph
    kept = _tree(tmp_path, "ok", "templates/base.html")
    assert template_files(tmp_path) == [kept]


def test_the_command_fails_with_the_list(tmp_path, settings, capsys):
    settings.BASE_DIR = tmp_path
    _tree(tmp_path, "y" * 170)
    with pytest.raises(CommandError, match="1 template lines are longer than 160"):
        call_command("check_template_lines")
    assert "app/templates/app/page.html:1: 170 characters" in capsys.readouterr().out


def test_every_project_template_keeps_to_the_limit():
    assert [f"{path}:{number} ({length})" for path, number, length in long_lines()] == []
