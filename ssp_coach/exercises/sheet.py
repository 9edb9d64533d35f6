"""Reading a sheet of answers (CSV) as a trainer saves it: UTF-8 with or without BOM, GBK (Excel on
Chinese Windows) or Excel's tab-separated "Unicode text"; Chinese or English headers. Problems of the whole
sheet raise SheetError; problems of one row are left to the grader, so the rest is still graded."""

import csv
import io
from dataclasses import dataclass
from typing import Dict, List

# column -> accepted headers (compared without surrounding spaces, case-insensitive)
HEADERS = {"name": ("姓名", "name"), "prompt": ("题号", "prompt"), "answer": ("答案", "answer")}


class SheetError(ValueError):
    """The sheet cannot be read at all; the message is Chinese, for the trainer."""


@dataclass(frozen=True)
class SheetRow:
    row: int  # the row number Excel shows (the header is row 1)
    name: str
    prompt: str
    answer: str


def decode_sheet(data: bytes) -> str:
    """UTF-16 when it has a BOM (Excel's "Unicode text"), else UTF-8 (a BOM is dropped), else GB18030,
    which reads every GBK file."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SheetError("答案表的 UTF-16 编码有误：请在 Excel 里另存为“CSV UTF-8”。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError("无法识别答案表的编码：请在 Excel 里另存为“CSV UTF-8”或 GBK 编码的 CSV 文件。")


def _columns(header: List[str]) -> Dict[str, int]:
    found: Dict[str, int] = {}
    for i, title in enumerate(header):
        key = title.strip().lower()
        for column, names in HEADERS.items():
            if key in names and column not in found:
                found[column] = i
    absent = [HEADERS[c][0] for c in HEADERS if c not in found]
    if absent:
        raise SheetError(
            "答案表缺少列：" + "、".join(absent) + "。第一行应为表头：姓名、题号、答案（或 name、prompt、answer）。"
        )
    return found


def read_sheet(data: bytes) -> List[SheetRow]:
    """The sheet's rows (blank rows skipped); a cell missing at the end of a row reads as ''."""
    text = decode_sheet(data)
    if "\x00" in text:
        raise SheetError("答案表不是 CSV 文本文件：请在 Excel 里“另存为”CSV 格式。")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","  # Excel's text export uses tabs
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records or not any(cell.strip() for cell in records[0]):
        raise SheetError("答案表是空的：第一行应为表头：姓名、题号、答案。")
    cols = _columns(records[0])
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue

        def cell(column: str, record: List[str] = record) -> str:
            i = cols[column]
            return record[i] if i < len(record) else ""

        rows.append(SheetRow(number, cell("name").strip(), cell("prompt").strip(), cell("answer").strip()))
    return rows
