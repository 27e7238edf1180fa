"""The annual evaluation (成效评估): figures, charts and findings as one Chinese document.

`build` gathers the year's figures (`reports.summary`, `reports.tracer`, `reports.by_month`)
into an `AnnualReport` — plain data: headline figures, sections with tables and charts,
findings worded from the figures, the definitions. `write` renders it as a self-contained PDF
(fpdf2, the CJK font embedded) or HTML (charts inlined as PNG). Every word comes from
yulu/locales/zh-CN/report.ftl; the charts are drawn by matplotlib with the same font.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.config import Settings
from yulu.core.errors import InvalidInput
from yulu.core.i18n import Translator
from yulu.services import reports
from yulu.services.reports import Period, Summary, SummaryRow, TracerRow, scope_for

# Fonts with Chinese glyphs that Debian installs (fonts-wqy-microhei, fonts-noto-cjk): the
# report embeds the first one found unless report.font_path names another.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
BAR = "#c0392b"  # the charts' two colours; the PDF test looks for them on the rendered pages
LINE = "#2471a3"
BREAKDOWNS = ("county", "school", "household", "key_county", "relocated")
DEFINITIONS = (
    ("report-term-people", "report-def-people"),
    ("report-term-response_rate", "report-def-response_rate"),
    ("report-term-employment_rate", "report-def-employment_rate"),
    ("report-term-placement_rate", "report-def-placement_rate"),
    ("report-term-cases", "report-def-cases"),
    ("report-term-case_times", "report-def-case_times"),
    ("report-term-within_sla", "report-def-within_sla"),
    ("report-term-income", "report-def-income"),
    ("report-term-income_change", "report-def-income_change"),
    ("report-term-notices", "report-def-notices"),
    ("report-term-tracer", "report-def-tracer"),
)
SECTION_TITLES = {
    "county": "report-section-county",
    "school": "report-section-school",
    "household": "report-section-household",
    "key_county": "report-section-key_county",
    "relocated": "report-section-relocated",
}
BREAKDOWN_COLUMNS = (
    ("report-col-people", "people", "n"),
    ("report-col-signed_up", "signed_up", "n"),
    ("report-col-response_rate", "response_rate", "%"),
    ("report-col-employment_rate", "employment_rate", "%"),
    ("report-col-placement_rate", "placement_rate", "%"),
    ("report-col-cases", "cases", "n"),
    ("report-col-within_sla", "within_sla", "%"),
)


@dataclass
class Chart:
    """A chart as PNG bytes, with its caption."""

    caption: str
    png: bytes


@dataclass
class Section:
    """A heading, paragraphs, an optional table (header, rows) and charts."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None
    charts: list[Chart] = field(default_factory=list)


@dataclass
class AnnualReport:
    """The whole evaluation, ready to render."""

    title: str
    subtitle: str
    headline: list[tuple[str, str]]
    findings: list[str]
    sections: list[Section]
    definitions: list[tuple[str, str]]


def pct(value: float | None) -> str:
    """A rate as people read it: 85.0%, or — when there is nothing to rate."""
    return "—" if value is None else f"{value * 100:.1f}%"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


# --- building -------------------------------------------------------------------------------


async def build(
    session: AsyncSession,
    t: Translator,
    *,
    year: int,
    region: str | None,
    settings: Settings,
    now: datetime | None = None,
) -> AnnualReport:
    """Gather the year's figures for a region into the report (charts drawn here)."""
    scope, period = scope_for(region), Period.year(year)
    now = now or datetime.now(UTC)
    common = {"scope": scope, "period": period, "sla_hours": settings.cases.ack_sla_hours}
    common |= {"tz": settings.timezone, "now": now}
    total = (await reports.summary(session, **common)).total
    breakdowns = {by: await reports.summary(session, by=by, **common) for by in BREAKDOWNS}
    tracer = await reports.tracer(
        session,
        scope=scope,
        cohorts=[year - 1, year],
        graduation_month=settings.report.graduation_month,
        months_after=settings.report.tracer_months,
    )
    tracer = [row for row in tracer if row.period <= period.last]
    months = await reports.by_month(session, scope=scope, period=period)
    font = find_font(settings.report.font_path)
    name = _scope_name(t, region, scope)
    sla = settings.cases.ack_sla_hours
    return AnnualReport(
        title=t("report-annual-title", year=year, region=name),
        subtitle=t("report-annual-subtitle", date=now.strftime("%Y-%m-%d")),
        headline=_headline(t, total),
        findings=findings(t, total=total, breakdowns=breakdowns, tracer=tracer, sla_hours=sla),
        sections=[
            _trend_section(t, months, font),
            *[_breakdown_section(t, by, breakdowns[by], total, font) for by in BREAKDOWNS],
            _tracer_section(t, tracer, font),
            _case_section(t, total, sla, font),
        ],
        definitions=[(t(term), t(text, sla=int(sla))) for term, text in DEFINITIONS],
    )


def _scope_name(t: Translator, region: str | None, scope: reports.Scope) -> str:
    parts = [p for p in (scope.province, scope.city, scope.county) if p]
    return "".join(dict.fromkeys(parts)) if parts else t("report-scope-all")


def _headline(t: Translator, total: SummaryRow) -> list[tuple[str, str]]:
    return [
        (t("report-col-people"), str(total.people)),
        (t("report-col-new_labour"), str(total.new_labour)),
        (t("report-col-signed_up"), str(total.signed_up)),
        (t("report-col-verified"), str(total.verified)),
        (t("report-col-response_rate"), pct(total.response_rate)),
        (t("report-col-employment_rate"), pct(total.employment_rate)),
        (t("report-col-placement_rate"), pct(total.placement_rate)),
        (t("report-col-cases"), str(total.cases)),
        (t("report-col-lost_job_cases"), str(total.lost_job_cases)),
        (t("report-col-within_sla"), pct(total.within_sla)),
        (t("report-col-notices"), str(total.notices)),
        (t("report-col-interest"), str(total.interest)),
    ]


YES_NO_GROUPS = {
    "key_county": ("report-yes-key_county", "report-no-key_county"),
    "relocated": ("report-yes-relocated", "report-no-relocated"),
}


def group_name(t: Translator, by: str, value: Any) -> str:
    """A group's name in a table or chart: 重点帮扶县/非重点县 for the yes/no breakdowns."""
    if by in YES_NO_GROUPS:
        yes, no = YES_NO_GROUPS[by]
        return t(yes) if value else t(no)
    return str(value) if value not in (None, "") else t("report-blank")


# --- findings -------------------------------------------------------------------------------


def findings(
    t: Translator,
    *,
    total: SummaryRow,
    breakdowns: dict[str, Summary],
    tracer: list[TracerRow],
    sla_hours: float,
) -> list[str]:
    """What the figures say, in sentences: overall, laggards, cases, income, tracer."""
    said = [
        t(
            "report-finding-overall",
            people=total.people,
            signed_up=total.signed_up,
            response=pct(total.response_rate),
            employment=pct(total.employment_rate),
            placement=pct(total.placement_rate),
        )
    ]
    said += _laggards(t, breakdowns["county"].rows, total)
    said.append(_case_finding(t, total, sla_hours))
    if total.income_pairs:
        said.append(
            t(
                "report-finding-income",
                pairs=total.income_pairs,
                rose=total.income_rose,
                same=total.income_same,
                fell=total.income_fell,
            )
        )
    said += _gap(t, breakdowns["key_county"].rows, "report-finding-key_county")
    said += _gap(t, breakdowns["relocated"].rows, "report-finding-relocated")
    for row in tracer:
        if row.respondents:
            said.append(
                t(
                    "report-finding-tracer",
                    cohort=row.cohort,
                    months=row.months_after,
                    employment=pct(row.employment_rate),
                    stable=pct(row.stable_rate),
                    respondents=row.respondents,
                )
            )
    return said


def _laggards(t: Translator, counties: list[SummaryRow], total: SummaryRow) -> list[str]:
    if total.employment_rate is None:
        return [t("report-finding-no-answers")]
    below = [
        r
        for r in counties
        if r.employment_rate is not None and r.employment_rate < total.employment_rate
    ]
    if not below:
        return [t("report-finding-no-laggards", rate=pct(total.employment_rate))]
    names = "、".join(f"{r.group}（{pct(r.employment_rate)}）" for r in below)
    said = [
        t("report-finding-laggards", count=len(below), rate=pct(total.employment_rate), names=names)
    ]
    answered = [r for r in counties if r.response_rate is not None]
    if len(answered) > 1:
        worst = min(answered, key=lambda r: r.response_rate or 0)
        said.append(
            t("report-finding-response", name=str(worst.group), rate=pct(worst.response_rate))
        )
    return said


def _case_finding(t: Translator, total: SummaryRow, sla_hours: float) -> str:
    if not total.cases:
        return t("report-finding-no-cases")
    if total.past_sla:
        return t(
            "report-finding-past-sla",
            cases=total.cases,
            past=total.past_sla,
            sla=int(sla_hours),
            median=hours(total.ack_median_hours),
        )
    return t(
        "report-finding-within-sla",
        cases=total.cases,
        sla=int(sla_hours),
        median=hours(total.ack_median_hours),
    )


def _gap(t: Translator, rows: list[SummaryRow], key: str) -> list[str]:
    rates = {bool(r.group): r.employment_rate for r in rows}
    if rates.get(True) is None or rates.get(False) is None:
        return []
    return [t(key, yes=pct(rates[True]), no=pct(rates[False]))]


# --- sections and charts --------------------------------------------------------------------


def _rows(t: Translator, by: str, summary: Summary, total: SummaryRow) -> list[list[str]]:
    rows = []
    for row in [*summary.rows, total]:
        name = (
            t("report-total")
            if row.group is None and row is total
            else group_name(t, by, row.group)
        )
        cells = [getattr(row, f) for _, f, _ in BREAKDOWN_COLUMNS]
        rows.append(
            [name]
            + [
                pct(v) if how == "%" else str(v)
                for v, (_, _, how) in zip(cells, BREAKDOWN_COLUMNS, strict=True)
            ]
        )
    return rows


def _breakdown_section(
    t: Translator, by: str, summary: Summary, total: SummaryRow, font: Path
) -> Section:
    header = [t("report-col-group")] + [t(key) for key, _, _ in BREAKDOWN_COLUMNS]
    section = Section(t(SECTION_TITLES[by]), table=(header, _rows(t, by, summary, total)))
    rated = [r for r in summary.rows if r.employment_rate is not None][:20]
    if rated and by != "school":
        section.charts.append(
            Chart(
                t("report-chart-employment-by", section=section.title),
                bar_chart(
                    [group_name(t, by, r.group) for r in rated],
                    [r.employment_rate * 100 for r in rated],
                    reference=(total.employment_rate or 0) * 100,
                    reference_label=t("report-chart-overall"),
                    ylabel=t("report-col-employment_rate") + " (%)",
                    font=font,
                ),
            )
        )
    return section


def _trend_section(t: Translator, months: list[reports.MonthRow], font: Path) -> Section:
    section = Section(t("report-section-trend"), paragraphs=[t("report-trend-note")])
    labels = [m.period[5:] for m in months]
    series = {
        t("report-col-response_rate"): [_percent(m.response_rate) for m in months],
        t("report-col-employment_rate"): [_percent(m.employment_rate) for m in months],
    }
    section.charts.append(
        Chart(t("report-chart-trend"), line_chart(labels, series, ylabel="%", font=font))
    )
    header = [t("report-col-period"), t("report-col-asked"), t("report-col-answered")]
    header += [t("report-col-response_rate"), t("report-col-employment_rate")]
    section.table = (
        header,
        [
            [m.period, str(m.asked), str(m.answered), pct(m.response_rate), pct(m.employment_rate)]
            for m in months
        ],
    )
    return section


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _tracer_section(t: Translator, tracer: list[TracerRow], font: Path) -> Section:
    section = Section(t("report-section-tracer"), paragraphs=[t("report-tracer-note")])
    header = [t("report-col-cohort"), t("report-col-months_after"), t("report-col-period")]
    header += [t("report-col-respondents"), t("report-col-employment_rate")]
    header += [t("report-col-stable_rate")]
    section.table = (
        header,
        [
            [
                str(r.cohort),
                str(r.months_after),
                r.period,
                str(r.respondents),
                pct(r.employment_rate),
                pct(r.stable_rate),
            ]
            for r in tracer
        ],
    )
    measured = [r for r in tracer if r.employment_rate is not None]
    if measured:
        section.charts.append(
            Chart(
                t("report-chart-tracer"),
                bar_chart(
                    [
                        t("report-tracer-label", cohort=r.cohort, months=r.months_after)
                        for r in measured
                    ],
                    [r.employment_rate * 100 for r in measured],
                    ylabel=t("report-col-employment_rate") + " (%)",
                    font=font,
                ),
            )
        )
    return section


def _case_section(t: Translator, total: SummaryRow, sla: float, font: Path) -> Section:
    section = Section(t("report-section-cases"))
    header = [t("report-col-cases"), t("report-col-lost_job_cases")]
    header += [t("report-col-ack_median_hours"), t("report-col-ack_p90_hours")]
    header += [t("report-col-resolve_median_hours"), t("report-col-resolve_p90_hours")]
    header += [t("report-col-within_sla")]
    section.table = (
        header,
        [
            [
                str(total.cases),
                str(total.lost_job_cases),
                hours(total.ack_median_hours),
                hours(total.ack_p90_hours),
                hours(total.resolve_median_hours),
                hours(total.resolve_p90_hours),
                pct(total.within_sla),
            ]
        ],
    )
    if total.cases:
        section.charts.append(
            Chart(
                t("report-chart-cases"),
                bar_chart(
                    [
                        t("report-col-ack_median_hours"),
                        t("report-col-ack_p90_hours"),
                        t("report-col-resolve_median_hours"),
                        t("report-col-resolve_p90_hours"),
                    ],
                    [
                        total.ack_median_hours or 0,
                        total.ack_p90_hours or 0,
                        total.resolve_median_hours or 0,
                        total.resolve_p90_hours or 0,
                    ],
                    reference=sla,
                    reference_label=t("report-chart-sla", sla=int(sla)),
                    ylabel=t("report-chart-hours"),
                    font=font,
                ),
            )
        )
    return section


def find_font(configured: Path | None) -> Path:
    """The CJK font to draw and embed: the configured one, else the first installed candidate."""
    for path in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if path.is_file():
            return path
    raise InvalidInput(
        "font",
        "no Chinese font found: install Debian's fonts-wqy-microhei (scripts/test.sh does) "
        "or set report.font_path to a TTF/OTF/TTC font with Chinese glyphs",
    )


def _pyplot(font: Path) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    font_manager.fontManager.addfont(str(font))
    name = font_manager.FontProperties(fname=str(font)).get_name()
    pyplot.rcParams["font.family"] = [name]
    pyplot.rcParams["axes.unicode_minus"] = False
    return pyplot


def _png(figure: Any, pyplot: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=130)
    pyplot.close(figure)
    return buffer.getvalue()


def bar_chart(
    labels: list[str],
    values: list[float],
    *,
    ylabel: str,
    font: Path,
    reference: float | None = None,
    reference_label: str = "",
) -> bytes:
    """Bars with value labels, and an optional reference line (the overall rate, the SLA)."""
    pyplot = _pyplot(font)
    figure, axes = pyplot.subplots(figsize=(7.2, 3.4))
    bars = axes.bar(range(len(values)), values, color=BAR, width=0.5)
    axes.set_xlim(-0.75, max(len(values), 3) - 0.25)
    axes.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=8)
    axes.set_xticks(range(len(labels)), labels, rotation=20 if len(labels) > 4 else 0, fontsize=8)
    axes.set_ylabel(ylabel)
    if reference is not None:
        axes.axhline(reference, color=LINE, linestyle="--", linewidth=1.5, label=reference_label)
        axes.legend(fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, pyplot)


def line_chart(
    labels: list[str], series: dict[str, list[float | None]], *, ylabel: str, font: Path
) -> bytes:
    """One line per series over the months (gaps where nothing was asked)."""
    pyplot = _pyplot(font)
    figure, axes = pyplot.subplots(figsize=(7.2, 3.2))
    for (name, values), color in zip(series.items(), (LINE, BAR), strict=False):
        points = [float("nan") if v is None else v for v in values]
        axes.plot(labels, points, marker="o", color=color, label=name, linewidth=2)
    axes.set_ylim(0, 105)
    axes.set_ylabel(ylabel)
    axes.legend(fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, pyplot)


# --- rendering ------------------------------------------------------------------------------


def write(report: AnnualReport, path: Path, *, t: Translator, font: Path | None = None) -> None:
    """Write the report as PDF or HTML, chosen by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        path.write_bytes(to_pdf(report, t=t, font=find_font(font)))
    elif suffix == ".html":
        path.write_text(to_html(report, t=t), encoding="utf-8")
    else:
        raise InvalidInput("file-type", f"{path}: use a .pdf or .html file")


def to_html(report: AnnualReport, *, t: Translator) -> str:
    """A self-contained HTML page (inline CSS, charts as data: URLs)."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{e(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(report.title)}</h1><p class='sub'>{e(report.subtitle)}</p>",
        f"<h2>{e(t('report-section-headline'))}</h2><div class='cards'>",
    ]
    parts += [
        f"<div class='card'><b>{e(v)}</b><span>{e(k)}</span></div>" for k, v in report.headline
    ]
    parts.append(f"</div><h2>{e(t('report-section-findings'))}</h2><ul>")
    parts += [f"<li>{e(f)}</li>" for f in report.findings]
    parts.append("</ul>")
    for section in report.sections:
        parts.append(f"<h2>{e(section.title)}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
        for chart in section.charts:
            data = base64.b64encode(chart.png).decode("ascii")
            parts.append(
                f"<figure><img alt='{e(chart.caption)}' src='data:image/png;base64,{data}'>"
                f"<figcaption>{e(chart.caption)}</figcaption></figure>"
            )
        if section.table:
            header, rows = section.table
            parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows]
            parts.append("</table>")
    parts.append(f"<h2>{e(t('report-section-definitions'))}</h2><dl>")
    parts += [f"<dt>{e(term)}</dt><dd>{e(text)}</dd>" for term, text in report.definitions]
    parts.append("</dl></body></html>")
    return "\n".join(parts)


_CSS = (
    "body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',"
    "sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.6}"
    "h1{font-size:1.6em}h2{border-bottom:2px solid #c0392b;padding-bottom:.2em;margin-top:1.6em}"
    ".sub{color:#666}.cards{display:flex;flex-wrap:wrap;gap:.6em}"
    ".card{border:1px solid #ddd;border-radius:6px;padding:.5em .8em;min-width:8em}"
    ".card b{display:block;font-size:1.3em}.card span{color:#555;font-size:.9em}"
    "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}"
    "th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}"
    "figure{margin:1em 0}img{max-width:100%}figcaption{color:#555;font-size:.9em}"
    "dt{font-weight:bold;margin-top:.6em}"
)


def to_pdf(report: AnnualReport, *, t: Translator, font: Path) -> bytes:
    """An A4 PDF with the CJK font embedded (subset), charts as images."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("cjk", fname=str(font))
    pdf.set_title(report.title)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.multi_cell(0, 10, report.title, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode="CHAR")
    pdf.set_font("cjk", size=10)
    pdf.multi_cell(0, 6, report.subtitle, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode="CHAR")
    _pdf_heading(pdf, t("report-section-headline"))
    with pdf.table(
        col_widths=(3, 2), text_align=("LEFT", "RIGHT"), first_row_as_headings=False
    ) as table:
        for key, value in report.headline:
            table.row([key, value])
    _pdf_heading(pdf, t("report-section-findings"))
    for finding in report.findings:
        pdf.multi_cell(
            0, 6, "• " + finding, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode="CHAR"
        )
        pdf.ln(1)
    for section in report.sections:
        _pdf_heading(pdf, section.title)
        for paragraph in section.paragraphs:
            pdf.multi_cell(
                0, 6, paragraph, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode="CHAR"
            )
        for chart in section.charts:
            if pdf.get_y() > 190:
                pdf.add_page()
            pdf.image(io.BytesIO(chart.png), w=170)
            pdf.set_font("cjk", size=8)
            pdf.multi_cell(
                0, 5, chart.caption, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode="CHAR"
            )
            pdf.set_font("cjk", size=10)
        if section.table:
            header, rows = section.table
            pdf.set_font("cjk", size=8)
            with pdf.table(
                headings_style=FontFace(emphasis=None, fill_color=(240, 240, 240))
            ) as table:
                for cells in [header, *rows]:
                    table.row(cells)
            pdf.set_font("cjk", size=10)
    _pdf_heading(pdf, t("report-section-definitions"))
    for term, text in report.definitions:
        pdf.multi_cell(
            0, 6, f"{term}：{text}", new_x="LMARGIN", new_y="NEXT", align="L", wrapmode="CHAR"
        )
        pdf.ln(1)
    return bytes(pdf.output())


def _pdf_heading(pdf: Any, text: str) -> None:
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("cjk", size=13)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode="CHAR")
    pdf.set_font("cjk", size=10)
