"""Benchmark: time and peak memory to generate N customer notices (a PDF letter and an e-mail body each).

`bench_generation(engine, count)` seeds its own breach, subscribers and recipients into the database
behind `engine` (use a scratch database that has the schema and the audit head, e.g. after
`pecr db upgrade`), then times choosing the recipients and generating the notices. Provider-independent:
`pecr bench notices` runs it (see the breach manifest).
"""

from __future__ import annotations

import io
import os
import resource
import time
import tracemalloc
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import Engine, insert
from sqlmodel import Session

from breach.models import Breach, Circumstance, Regime
from breach.notices import assessments, bulk, documents, recipients, rules, service
from breach.notices.models import AssessmentInput, TemplateInput
from provider.clock import FrozenClock, SystemClock
from provider.manifest import BenchContext
from provider.notices import fonts, pdf
from provider.profile.models import ProviderProfile
from provider.profile.service import find_profile
from provider.security.actor import system_actor
from provider.subscribers.models import Subscriber

ACTOR = system_actor("bench")
PROFILE = {
    "legal_name": "Bench Telecom Ltd",
    "address": "1 Test Street, London",
    "ico_registration_number": "Z0000000",
    "contact_name": "Data Protection Officer",
    "contact_email": "dpo@bench.example",
    "contact_phone": "020 7946 0000",
}
WORDING = TemplateInput(
    subject="Important: a personal data breach affecting your information",
    provider_name="Bench Telecom",
    contact_details="Data Protection Officer, dpo@bench.example, 020 7946 0000",
    summary="A backup of call records was taken from one of our systems without permission.",
    estimated_date="On or about 1 March 2026",
    data_nature="Itemised call lists for lines {lines}.",
    likely_consequences="Someone could learn whom you called and when.",
    circumstances="The data was copied.",
    provider_measures="We closed the access route and told the ICO.",
    customer_measures="Be wary of calls or messages about this breach that ask for your details.",
)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # rendering workers, once the pool has reaped them
    return usage.ru_utime + usage.ru_stime


def _seed(engine: Engine, count: int, now: datetime, tag: str) -> int:
    with Session(engine) as session:
        if find_profile(session) is None:
            session.add(ProviderProfile(id=1, updated_at=now, **PROFILE))
        breach = Breach(
            reference=f"BENCH-{tag}",
            title="Benchmark breach",
            circumstance=Circumstance.copying,
            detected_at=now,
            aware_at=now,
            regime=Regime.duaa,
            created_at=now,
            created_by="bench",
            updated_at=now,
        )
        session.add(breach)
        session.flush()
        for start in range(0, count, 1000):
            session.execute(
                insert(Subscriber).values(
                    [
                        {
                            "kind": "individual",
                            "name": f"Bench Customer {i}",
                            "address": f"{i} Bench Road, Leeds",
                            "email": "",
                            "phone": "",
                            "account_reference": f"B{tag}-{i}",
                            "name_key": f"bench customer {i}",
                            "created_at": now,
                            "updated_at": now,
                        }
                        for i in range(start, min(count, start + 1000))
                    ]
                )
            )
        assessments.record_assessment(
            session,
            actor=ACTOR,
            now=now,
            breach_id=breach.id,
            data=AssessmentInput(
                natures=["itemised_call_lists"], circumstances=["unauthorised_possession"], rationale="benchmark"
            ),
        )
        service.save_template(session, actor=ACTOR, now=now, breach_id=breach.id, data=WORDING)
        session.commit()
        return breach.id


def _floor_lines() -> list[tuple[str, float, str]]:
    """The letter's own text, (font, size, line) after wrapping to the letter's text width: headings in the
    bold face, the body in the regular one, the way the letter sets them (same template fields, filled for
    a recipient the same way)."""
    font_set = fonts.fonts()
    fields = bulk.service.template_fields(WORDING)
    recipient = {"name": "Bench Customer 1", "address": "1 Bench Road, Leeds", "lines": "0113 496 0000"}
    values = documents.placeholders(recipient)
    blocks = [(font_set.bold, 12, rules.fill(fields["subject"], values))]
    blocks.append((font_set.regular, 11, rules.fill(fields["greeting"], values)))
    for name, label in documents.SECTIONS:
        wording = rules.fill(documents.section(fields, name), values)
        blocks += [(font_set.bold, 12, label), (font_set.regular, 11, wording)]
    blocks.append((font_set.regular, 11, f"Lines affected: {recipient['lines']}"))
    blocks.append((font_set.regular, 11, rules.sign_off(values["salutation"]) + ","))
    blocks.append((font_set.regular, 11, "\n".join(documents.signatory(PROFILE))))
    width = A4[0] - 2 * pdf.MARGIN
    return [
        (font, size, line)
        for font, size, value in blocks
        for paragraph in value.splitlines()
        for line in simpleSplit(paragraph, font, size, width)
    ]


def _floor_rate(count: int) -> tuple[float, float]:
    """The floor: reportlab drawing the same letter text on a bare canvas, one process: letters per second
    (wall clock) and CPU milliseconds per letter.

    Same words, same embedded fonts (the letter's regular and bold faces: drawing in Helvetica would embed
    nothing and could not draw a Polish or Welsh name), lines pre-wrapped to the same width, a page break
    where a page is full. No letterhead, address window, table, keep-together or "Page x of y": that is
    the layout work the letter does and the floor does not."""
    lines = _floor_lines()
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(count):
        canvas = Canvas(io.BytesIO(), invariant=1)
        y = A4[1] - documents.BODY_TOP_MM * mm
        for font, size, line in lines:
            if y < 30 * mm:
                canvas.showPage()
                y = A4[1] - 18 * mm
            canvas.setFont(font, size)
            canvas.drawString(pdf.MARGIN, y, line)
            y -= size * 1.3
        canvas.showPage()
        canvas.save()
    cpu_ms = (time.process_time() - cpu_started) * 1000 / count
    return count / max(time.perf_counter() - started, 1e-9), cpu_ms


def _choose(engine: Engine, clock: FrozenClock, breach_id: int, count: int, tag: str) -> int:
    """Every seeded subscriber chosen as a recipient and a generation batch started: the batch id."""
    with Session(engine, expire_on_commit=False) as session:
        references = [(f"item {i}", f"B{tag}-{i}") for i in range(count)]
        recipients.add_recipients(
            session, actor=ACTOR, now=clock.now(), breach_id=breach_id, account_references=references
        )
        del references
        batch = bulk.start_generation(session, actor=ACTOR, now=clock.now(), breach_id=breach_id)
        session.commit()
        return batch.id


def bench_generation(
    engine: Engine,
    count: int,
    *,
    chunk_size: int = bulk.GENERATION_CHUNK,
    trace_memory: bool = False,
    workers: int = 0,
) -> dict[str, float | int | str]:
    """Seed `count` subscribers, choose them all, generate their notices; report seconds and memory.

    Wall seconds depend on what else the machine runs; CPU seconds (this process) do much less so.

    `trace_memory` adds a tracemalloc peak (Python allocations), at a cost of roughly twice the run time.
    """
    clock = FrozenClock(SystemClock().now())
    tag = clock.now().strftime("%Y%m%d%H%M%S")
    breach_id = _seed(engine, count, clock.now(), tag)
    rss_before = _maxrss_mb()
    if trace_memory:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    children_started = _children_cpu()
    batch_id = _choose(engine, clock, breach_id, count, tag)
    chosen, cpu_chosen = time.perf_counter(), time.process_time()
    workers = workers or os.cpu_count() or 1
    done = bulk.run_generation(
        engine, batch_id=batch_id, clock=clock, actor=ACTOR, chunk_size=chunk_size, workers=workers
    )
    finished, cpu_finished = time.perf_counter(), time.process_time()
    render_cpu_ms = (_children_cpu() - children_started + cpu_finished - cpu_chosen) * 1000 / max(done.generated, 1)
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else -1.0
    if trace_memory:
        tracemalloc.stop()
    rate = done.generated / max(finished - chosen, 1e-9)
    floor, floor_cpu_ms = _floor_rate(min(count, 2000))
    return {
        "backend": engine.dialect.name,
        "notices": done.generated,
        "workers": workers,
        "floor_bare_canvas_same_fonts_per_second_one_process": round(floor, 1),
        "ratio_to_floor": round(rate / floor, 2),
        "ratio_to_floor_times_workers": round(rate / (floor * workers), 2),
        # CPU per letter, every process included: a fairer comparison on a machine other work is sharing.
        "cpu_ms_per_notice_all_processes": round(render_cpu_ms, 2),
        "floor_cpu_ms_per_letter": round(floor_cpu_ms, 2),
        "workers_maxrss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "chunk_size": chunk_size,
        "select_recipients_seconds": round(chosen - started, 2),
        "generation_seconds": round(finished - chosen, 2),
        "select_recipients_cpu_seconds": round(cpu_chosen - cpu_started, 2),
        "generation_cpu_seconds": round(cpu_finished - cpu_chosen, 2),
        "ms_per_notice": round((finished - chosen) * 1000 / max(done.generated, 1), 3),
        "notices_per_second": round(done.generated / max(finished - chosen, 1e-9), 1),
        "tracemalloc_peak_mb": round(peak, 1),
        "maxrss_before_mb": round(rss_before, 1),
        "maxrss_delta_mb": round(_maxrss_mb() - rss_before, 1),
    }


def run(context: BenchContext, *, count: int, trace_memory: bool, workers: int = 0) -> dict[str, Any]:
    """`pecr bench notices`: bench_generation on the scratch database."""
    return bench_generation(context.engine, count, trace_memory=trace_memory, workers=workers)
