"""An operator's first command on a new SQLite file: the schema is made, not a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from yulu.cli import app

ROSTER = (
    "姓名,身份证号,手机号,学校,专业,学历层次,毕业年份,户籍地,家庭类型\n"
    "张三,430524200101011230,13800138000,邵阳职院,汽修,中职,2026,湖南省邵阳市隆回县,脱贫家庭\n"
)


def _yulu(tmp_path: Path, *args: str) -> str:
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    env = {
        "YULU_CONFIG": str(empty),
        "YULU_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "YULU_SECRET_KEY": "test-secret-key-0123456789",
    }
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_import_roster_into_a_sqlite_file_never_migrated(tmp_path: Path) -> None:
    """`yulu import roster` before any `yulu run` or `yulu db upgrade`: the file gets the
    schema (as `yulu run` gives it) and the row goes in; the second import changes nothing."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert "新增 1 行" in _yulu(tmp_path, "import", "roster", str(roster))
    assert "未变化 1 行" in _yulu(tmp_path, "import", "roster", str(roster))


def test_a_file_that_is_no_table_is_refused_in_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("不是表格", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "roster", str(notes)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and ".csv" in result.output
    assert "只能使用.csv或.xlsx文件" in _flat(result.output) and "notes.txt" in _flat(result.output)


def test_a_table_without_the_needed_columns_says_which_in_chinese(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,手机号\n张三,13800138000\n", encoding="utf-8")
    env = {
        "YULU_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "YULU_SECRET_KEY": "test-secret-key-0123456789",
    }
    result = CliRunner().invoke(app, ["import", "roster", str(roster)], env=env)
    assert result.exit_code == 2, result.output
    assert "表头缺少这些列" in _flat(result.output) and "身份证号" in result.output
    assert "missing columns" not in result.output


def test_a_file_in_another_encoding_is_explained(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.encode("utf-16"))
    result = CliRunner().invoke(app, ["import", "roster", str(roster)])
    assert result.exit_code == 2, result.output
    assert "不是UTF-8或GBK编码" in _flat(result.output)


def _flat(output: str) -> str:
    """The console's text without the spaces and line breaks rich wraps it with."""
    return "".join(output.split())
