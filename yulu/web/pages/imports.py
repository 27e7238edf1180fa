"""导入: upload a roster or a postings file; the import runs in the background with progress;
the row-level error report is a table (row number, what is wrong)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from yulu.core.errors import NotAllowed, NotFound, YuluError
from yulu.core.i18n import Translator
from yulu.services.context import Runtime
from yulu.services.postings import import_postings
from yulu.services.roster import import_roster
from yulu.services.tabular import count_data_rows
from yulu.web.context import IMPORTS, render, runtime, see_other, staff, translator

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
KINDS = {"roster": "web-import-kind-roster", "postings": "web-import-kind-postings"}
SUFFIXES = (".csv", ".xlsx", ".xlsm")


@dataclass
class ImportJob:
    """One upload being imported: who started it, how far it is, what it found."""

    id: str
    kind: str
    file_name: str
    owner_id: int
    total: int
    done: int = 0
    finished: bool = False
    failure: str | None = None
    report: Any = None
    task: asyncio.Task | None = field(default=None, repr=False)

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.total) if self.total else 0


@routes.get("/import")
async def import_page(request: web.Request) -> web.Response:
    staff(request).require_admin()
    return render(request, "import.html", kinds=KINDS, error=None)


@routes.post("/import")
async def upload(request: web.Request) -> web.Response:
    me = staff(request)
    me.require_admin()
    form = await request.post()
    kind, upload = str(form.get("kind", "")), form.get("file")
    name = Path(getattr(upload, "filename", "") or "").name
    if kind not in KINDS or not name.lower().endswith(SUFFIXES):
        return render(request, "import.html", status=400, kinds=KINDS, error="web-import-bad-file")
    folder = Path(tempfile.mkdtemp(prefix="yulu-import-"))
    path = folder / f"upload{Path(name).suffix.lower()}"
    with path.open("wb") as handle:
        shutil.copyfileobj(upload.file, handle)
    try:
        total = count_data_rows(path)
    except YuluError:
        shutil.rmtree(folder, ignore_errors=True)
        return render(request, "import.html", status=400, kinds=KINDS, error="web-import-bad-file")
    job = ImportJob(secrets.token_urlsafe(8), kind, name, me.cadre_id, total)
    request.app[IMPORTS][job.id] = job
    job.task = asyncio.create_task(
        _run(runtime(request), translator(request), job, path, actor=me.actor),
        name=f"console-import:{job.id}",
    )
    raise see_other(f"/import/{job.id}")


async def _run(rt: Runtime, t: Translator, job: ImportJob, path: Path, *, actor: str) -> None:
    """Import the file through the same service the CLI uses; remove the upload afterwards."""

    def progress(rows: int) -> None:
        job.done += rows

    try:
        if job.kind == "roster":
            job.report = await import_roster(
                rt.session_factory, rt.cipher, path, on_rows=progress, actor=actor
            )
        else:
            today = datetime.now(ZoneInfo(rt.settings.timezone)).date()
            job.report = await import_postings(
                rt.session_factory, path, today=today, on_rows=progress, actor=actor
            )
    except YuluError as exc:
        job.failure = getattr(exc, "reason", "") or "web-import-failed"
    except Exception:
        log.exception("import %s failed", job.id)
        job.failure = "web-import-failed"
    finally:
        job.finished = True
        shutil.rmtree(path.parent, ignore_errors=True)


def reason_text(t: Translator, code: str) -> str:
    """The row problem in words (the CLI's wording: reason-<code>)."""
    key = f"reason-{code}"
    return t(key) if t.has(key) else code


@routes.get("/import/{job_id}")
async def job_page(request: web.Request) -> web.Response:
    me, t = staff(request), translator(request)
    me.require_admin()
    job = request.app[IMPORTS].get(request.match_info["job_id"])
    if job is None:
        raise NotFound("import job")
    if job.owner_id != me.cadre_id:
        raise NotAllowed("another staff member's import")
    report = job.report
    errors = [(n, reason_text(t, code)) for n, code in report.errors] if report else []
    warnings = [(n, reason_text(t, code)) for n, code in report.warnings] if report else []
    failure = None
    if job.failure:
        failure = reason_text(t, job.failure) if not t.has(job.failure) else t(job.failure)
    return render(
        request, "import_job.html", job=job, report=report, errors=errors, warnings=warnings,
        failure=failure, kinds=KINDS,
    )  # fmt: skip
