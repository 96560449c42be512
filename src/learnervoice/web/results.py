"""The results page: the survey's tables and charts (split by a subgroup), the joint displays, the report to download.

A thin layer over `report/results.py` (the tables of `learnervoice tables` and the report, under the report's
disclosure rules, and a split by a personal variable without its groups of fewer than k people:
`report/small_groups.py`, the same for every role), `report/results_csv.py` (the tables as shown, as CSV) and
`report/write.report_document` (the report as the CLI writes it). Every signed-in
member reads results (viewers, coders, owners: roles nest); what is made from the focus-group codings
(quantitised codes, joint displays, the report) follows blind coding as the workbench does: the owner always,
the others once coding is open (`qual.workbench.sees_all_codings`).
"""

from __future__ import annotations

import base64
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from ..errors import NotAllowedError
from ..privacy.gate import gate_for
from ..qual.workbench import sees_all_codings
from ..report.charts import Chart
from ..report.results import Results, study_results
from .pages import page
from .security import Member, require

router = APIRouter()
viewer = require("viewer")

VariableId = Query(default=None, max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]*$",
                   description="Split the tables by this question or derived variable (as `tables --by`).")
QuestionIds = Query(default=[], max_length=50, description="Only these questions (ids; repeat the parameter).")
MEDIA = {"html": "text/html; charset=utf-8",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _results(member: Member, by: str | None, questions: list[str], codings: bool) -> Results:
    site = member.site
    chosen = [q for q in questions if q]  # the form's "All questions" sends an empty one
    return study_results(site.study, site.store, by=by or None, questions=chosen or None, codings=codings,
                         gate=gate_for(site.study))


@router.get("/s/{slug}/results", include_in_schema=False)
async def results_page(request: Request, member: Member = Depends(viewer), by: str | None = VariableId,
                       question: list[str] = QuestionIds) -> HTMLResponse:
    codings = sees_all_codings(member.site.store, member.user)
    results = await run_in_threadpool(_results, member, by, question, codings)
    context = {"site": member.site, "user": member.user, "title": f"Results · {member.site.study.config.title}",
               "results": results, "by": by or "", "question": next((q for q in question if q), ""),
               "shown": [(s, _data_url(s.chart) if s.chart is not None else None) for s in results.tables],
               "report": codings, "csv": _csv_link(member.site.slug, by, question)}
    return page(request, "results.html", context)


@router.get("/s/{slug}/api/results", tags=["analysis"])
async def get_results(member: Member = Depends(viewer), by: str | None = VariableId,
                      question: list[str] = QuestionIds) -> dict[str, Any]:
    """The tables as printed (title, header, rows, notes; by a subgroup with `by`), the joint displays, and what
    disclosure control hid. Charts are on the page and in the report."""
    results = await run_in_threadpool(_results, member, by, question, sees_all_codings(member.site.store, member.user))
    return {
        "title": results.title, "by": results.by.id if results.by else None, "missing": results.missing,
        "tables": [_block(s.block) | {"chart": s.chart is not None} for s in results.tables],
        "joint": None if results.joint is None else [_block(b) for b in results.joint],
        "disclosure": list(results.disclosure), "withheld": results.withheld,
    }


@router.get("/s/{slug}/results.csv", include_in_schema=False)
async def results_csv(member: Member = Depends(viewer), by: str | None = VariableId,
                      question: list[str] = QuestionIds) -> Response:
    """The tables as the page shows them (the same groups left out), as a CSV file to save."""
    from ..report.results_csv import results_csv as as_csv

    site = member.site
    results = await run_in_threadpool(_results, member, by, question, sees_all_codings(site.store, member.user))
    text = await run_in_threadpool(as_csv, results, gate_for(site.study))
    name = f"{site.slug}-results" + (f"-by-{results.by.id}" if results.by else "") + ".csv"
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/s/{slug}/results/report.{format}", include_in_schema=False)
async def report_download(format: Literal["html", "docx"] = PathParam(description="html or docx"),
                          member: Member = Depends(viewer)) -> Response:
    """The study report, built now by the library's report function, as a file to save."""
    from ..report.write import report_document

    site = member.site
    if not sees_all_codings(site.store, member.user):
        raise NotAllowedError("the report holds the focus-group codings, which you see once the owner opens coding "
                              "to the team (coding is blind until then)")
    content = await run_in_threadpool(report_document, site.study, format, qual=site.store)
    name = f"{site.slug}-report.{format}"
    return Response(content, media_type=MEDIA[format], headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _csv_link(slug: str, by: str | None, questions: list[str]) -> str:
    from urllib.parse import urlencode

    query = urlencode([("by", by)] * bool(by) + [("question", q) for q in questions if q])
    return f"/s/{slug}/results.csv" + (f"?{query}" if query else "")


def _block(block: Any) -> dict[str, Any]:
    return {"title": block.title, "header": list(block.header), "rows": [list(r) for r in block.rows],
            "notes": list(block.notes)}


def _data_url(chart: Chart) -> str:
    """The chart's SVG as an image address: the page's CSP allows data: images, and an image's own styles
    are its own (inline SVG would need inline styles, which the CSP refuses)."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
