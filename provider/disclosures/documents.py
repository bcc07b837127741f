"""The report the ICO may ask for (reg 29A(2)): procedures, number of requests, legal bases, responses.

Pure: data in, bytes out. The CSV lists one row per request; the PDF opens with the counts and the
procedures in force, then the requests. Neither carries the data that was disclosed, only what it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from provider.clock import format_local
from provider.disclosures.models import Decision, LegalBasis, ReportPublic
from provider.disclosures.presenters import BASIS_LABELS, DECISION_LABELS, reference
from provider.notices import pdf

CSV_COLUMNS = (
    "Reference",
    "Received",
    "Requesting body",
    "Legal basis",
    "Legal reference",
    "Data requested",
    "Decision",
    "Reasons",
    "Decided",
    "Decided by",
    "What was disclosed",
    "Disclosed",
    "Disclosed by",
    "Procedure version",
)


def report_csv(report: ReportPublic, zone: ZoneInfo) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"Disclosure requests {report.date_from} to {report.date_to}"])
    writer.writerow([f"Produced {format_local(report.produced_at, zone)} by {report.produced_by}"])
    writer.writerow(CSV_COLUMNS)
    versions = {procedure.version_id: procedure.version for procedure in report.procedures}
    for row in report.requests:
        writer.writerow(
            [
                reference(row.id),
                format_local(row.received_at, zone),
                row.requesting_body,
                BASIS_LABELS[row.legal_basis],
                row.legal_reference,
                row.data_requested,
                DECISION_LABELS[row.decision],
                row.decision_reasons,
                format_local(row.decided_at, zone),
                row.decided_by,
                row.disclosed_summary,
                format_local(row.disclosed_at, zone),
                row.disclosed_by,
                versions.get(row.procedure_version_id, ""),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def report_pdf(report: ReportPublic, *, provider: Mapping[str, Any], zone: ZoneInfo) -> bytes:
    period = f"{report.date_from:%d %b %Y} to {report.date_to:%d %b %Y}"
    story = [
        pdf.title("Requests for disclosure of communications data"),
        pdf.text(
            f"PECR regulation 29A: the period {period}. "
            f"Produced {format_local(report.produced_at, zone)} by {report.produced_by}."
        ),
        pdf.provider_block(provider),
        pdf.heading("Number of requests"),
        pdf.field_table([("Requests received", str(report.total))]),
        pdf.heading("Legal justifications"),
        pdf.grid(
            ["Legal basis", "Requests"],
            [[BASIS_LABELS[LegalBasis(r.name)], str(r.count)] for r in report.by_legal_basis],
            (130, 40),
        ),
        pdf.heading("Responses"),
        pdf.grid(
            ["Response", "Requests"],
            [[DECISION_LABELS[Decision(r.name)], str(r.count)] for r in report.by_decision],
            (130, 40),
        ),
        pdf.heading("Internal procedures"),
    ]
    for procedure in report.procedures:
        story += [
            pdf.text(f"Version {procedure.version}: {procedure.title} (SHA-256 {procedure.sha256[:16]}…)", "label"),
            pdf.text(procedure.body),
            pdf.spacer(),
        ]
    if not report.procedures:
        story.append(pdf.text("No procedure document has been recorded."))
    story += [
        pdf.heading("Requests"),
        pdf.grid(
            ["Reference", "Received", "Body", "Basis", "Response"],
            [
                [
                    reference(r.id),
                    format_local(r.received_at, zone),
                    r.requesting_body,
                    BASIS_LABELS[r.legal_basis],
                    DECISION_LABELS[r.decision],
                ]
                for r in report.requests
            ],
            (24, 32, 40, 44, 30),
        ),
    ]
    return pdf.build(
        story, document_title="Disclosure requests", reference=period, author=provider.get("legal_name", "")
    )
