"""The annual evaluation of the known county: PDF and HTML, charts on the rendered pages."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import ledger_county as county_fixture
import pytest
from PIL import Image

from yulu.core.i18n import get_translator
from yulu.services import annual
from yulu.services.context import Runtime

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not shutil.which("pdftoppm") or not any(p.is_file() for p in annual.FONT_CANDIDATES),
        reason="needs poppler-utils and fonts-wqy-microhei (scripts/test.sh installs both)",
    ),
]
BAR = (0xC0, 0x39, 0x2B)  # annual.BAR, the colour of every chart's bars (and one line)


def _bar_pixels(path: Path) -> int:
    image = Image.open(path).convert("RGB")
    return sum(
        count
        for count, (r, g, b) in image.getcolors(maxcolors=1 << 20)
        if abs(r - BAR[0]) < 12 and abs(g - BAR[1]) < 12 and abs(b - BAR[2]) < 12
    )


async def test_annual_report_as_pdf_and_html(runtime: Runtime, tmp_path: Path) -> None:
    await county_fixture.build(runtime, tmp_path)
    t = get_translator()
    async with runtime.session_factory() as session:
        report = await annual.build(
            session,
            t,
            year=2026,
            region="隆回",
            settings=runtime.settings,
            now=county_fixture.NOW,
        )
    # findings worded from the figures of ledger_county.py
    assert report.findings[0] == (
        "台账共 200 人，已登记 120 人；全年应答率 85.0%，就业率 64.8%，去向落实率 74.1%。"
    )
    assert "其中 4 件未在 48 小时内受理；受理用时中位数 10.0 小时" in report.findings[2]
    assert any("收入档次上升 20 人、持平 10 人、下降 10 人" in f for f in report.findings)
    assert any("2025 届毕业生毕业 6 个月后就业率 71.4%" in f for f in report.findings)

    pdf = tmp_path / "annual.pdf"
    annual.write(report, pdf, t=t)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "成效评估报告" in text and "指标说明" in text and "毕业跟踪" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    charted = [p for p in pages if _bar_pixels(p) > 300]
    # seven charts (trend, county, household, key county, relocated, tracer, cases) on pages
    # 2 to 5; the first page is the headline figures and findings, without a chart
    assert len(pages) >= 4 and len(charted) >= 3, [(p.name, _bar_pixels(p)) for p in pages]
    assert pages[0] not in charted

    page = tmp_path / "annual.html"
    annual.write(report, page, t=t)
    html = page.read_text(encoding="utf-8")
    images = re.findall(r"src='data:image/png;base64,([^']+)'", html)
    assert len(images) == sum(len(s.charts) for s in report.sections) == 7
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert "http" not in html  # self-contained: nothing is fetched
    assert "重点帮扶县与其他地区" in html and "湖南省邵阳市隆回县" in html
