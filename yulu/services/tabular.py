"""Reading and writing the CSV and Excel files administrators exchange (导入/导出)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from yulu.core.errors import InvalidInput

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel in China saves CSV as GBK more often than not


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        raw = handle.read(65536)
    for encoding in CSV_ENCODINGS:
        try:  # incremental: a character cut in two at the sample's end is not an error
            codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InvalidInput("encoding", f"{path}: neither UTF-8 nor GBK text", path=str(path))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _raw_rows(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding=_csv_encoding(path)) as handle:
            for row in csv.reader(handle):
                yield [_cell(v) for v in row]
    elif suffix in (".xlsx", ".xlsm"):
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for row in workbook.active.iter_rows(values_only=True):
                yield [_cell(v) for v in row]
        finally:
            workbook.close()
    else:
        raise InvalidInput("file-type", f"{path}: use a .csv or .xlsx file", path=str(path))


def count_data_rows(path: Path) -> int:
    """Rows below the header (for a progress bar); cheap for CSV and read-only XLSX."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        workbook = load_workbook(path, read_only=True)
        try:
            return max((workbook.active.max_row or 1) - 1, 0)
        finally:
            workbook.close()
    return max(sum(1 for _ in _raw_rows(path)) - 1, 0)


def read_records(
    path: Path, columns: Mapping[str, Iterable[str]], *, required: Iterable[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (spreadsheet row number, {field: text}) using header names or their aliases."""
    rows = _raw_rows(path)
    header = next(rows, None)
    if header is None:
        raise InvalidInput("empty-file", f"{path}: the file is empty", path=str(path))
    index = _header_index(header, columns)
    missing = [field for field in required if field not in index]
    if missing:
        names = ", ".join(next(iter(columns[f])) for f in missing)
        raise InvalidInput("missing-columns", f"missing columns: {names}", names=names)
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        yield number, {field: row[i] if i < len(row) else "" for field, i in index.items()}


def _header_index(header: list[str], columns: Mapping[str, Iterable[str]]) -> dict[str, int]:
    normalized = [h.strip().lower().replace(" ", "_") for h in header]
    index: dict[str, int] = {}
    for field, names in columns.items():
        for name in names:
            key = name.lower().replace(" ", "_")
            if key in normalized:
                index[field] = normalized.index(key)
                break
    return index


@contextmanager
def table_writer(path: Path, header: list[str]) -> Iterator[Callable[[list[Any]], None]]:
    """Write rows one by one as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            yield writer.writerow
    elif suffix == ".xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        yield sheet.append
        workbook.save(path)
    else:
        raise InvalidInput("file-type", f"{path}: use a .csv or .xlsx file", path=str(path))
