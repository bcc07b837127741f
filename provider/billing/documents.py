"""The bill as a PDF: the provider's details, the subscriber's account, the lines and the totals.

Pure: data in, bytes out. A bill without itemisation has no lines section at all, and a call free to
the caller never reaches this module as a line (`rules.compose_bill` leaves it out).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from provider.billing.models import BillPublic
from provider.billing.presenters import CATEGORY_LABELS, SOURCE_LABELS, duration, pounds
from provider.clock import format_local
from provider.notices import pdf


def bill_pdf(bill: BillPublic, *, provider: Mapping[str, Any], subscriber_name: str, zone: ZoneInfo) -> bytes:
    reference = f"{bill.account_reference} {bill.period}"
    story = [
        pdf.title(f"Bill for {bill.period}"),
        pdf.provider_block(provider),
        pdf.spacer(),
        pdf.field_table(
            [
                ("Account", bill.account_reference),
                ("Name", subscriber_name),
                ("Billing period", bill.period),
                ("Produced", format_local(bill.produced_at, zone)),
                ("Bill type", "Itemised" if bill.itemised else "Totals only, as you asked"),
                ("Made from", SOURCE_LABELS[bill.source]),
            ]
        ),
        pdf.heading("Totals"),
        pdf.grid(
            ["Service", "Number", "Duration (min:s)", "Charge"],
            [
                [CATEGORY_LABELS[t.category], str(t.count), duration(t.duration_seconds), pounds(t.charge_pence)]
                for t in bill.totals
            ]
            # Every cell filled: the grid shows an empty cell as "Not yet known", which a bill must never say.
            + [
                [
                    "Total",
                    str(sum(t.count for t in bill.totals)),
                    duration(sum(t.duration_seconds for t in bill.totals)),
                    pounds(bill.total_charge_pence),
                ]
            ],  # fmt: skip
            widths_mm=(60, 30, 40, 40),
        ),
    ]
    if bill.itemised:
        story += [
            pdf.heading("Itemised calls, messages and sessions"),
            pdf.text("Calls free to you, such as 0800 and 0808 numbers and 116 helplines, are not listed.", "small"),
            *_unreadable_note(bill.unreadable_calls),
            pdf.grid(
                ["When", "From", "To", "Service", "Duration", "Charge"],
                [
                    [
                        format_local(line.started_at, zone),
                        line.line_number,
                        line.called_number or "—",  # a data session has no other party
                        CATEGORY_LABELS[line.category],
                        duration(line.duration_seconds),
                        pounds(line.charge_pence),
                    ]
                    for line in bill.lines
                ],
                widths_mm=(38, 30, 32, 26, 20, 24),
            ),
        ]
    return pdf.build(
        story, document_title=f"Bill {bill.period}", reference=reference, author=provider.get("legal_name", "")
    )


def _unreadable_note(count: int) -> list:
    if not count:
        return []
    plural = "s" if count != 1 else ""
    words = f"{count} call{plural} counted in the totals could not be listed: the number is no longer readable."
    return [pdf.text(words, "small")]
