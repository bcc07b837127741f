"""The directory pages' wiring: the subscriber panel, the choice form's errors, look-ups, editions, the CLI."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from directories.models import DirectoryEdition
from tests.conftest import csrf_from
from tests.provider.test_console import run_pecr


def test_the_subscriber_page_shows_each_line_in_the_directory_panel(signed_in, make_line):
    client = signed_in("agent")
    line = make_line()
    page = client.get(f"/subscribers/{line.subscriber_id}")
    assert page.status_code == 200
    assert (
        f'id="directory-line-{line.id}"' in page.text
        and "the directory information notice has not been served" in page.text
    )


def test_an_individual_choice_before_the_notice_exists_is_refused_with_the_reason_and_input_kept(signed_in, make_line):
    client = signed_in("agent")
    line = make_line()
    url = f"/subscribers/{line.subscriber_id}/lines/{line.id}/directory"
    token = csrf_from(client.get(url).text)
    data = {"listing": "enquiries_only", "name_form": "full", "address_detail": "none", "channel": "post"}
    answer = client.post(url, data={**data, "reverse_search": "yes", "csrf_token": token})
    assert answer.status_code == 422
    assert "There is a problem" in answer.text and "save the directory information notice first" in answer.text
    assert 'value="enquiries_only" checked' in answer.text


def test_a_line_under_another_subscriber_is_not_found(signed_in, make_line):
    client = signed_in("agent")
    first, second = make_line(), make_line()
    assert client.get(f"/subscribers/{first.subscriber_id}/lines/{second.id}/directory").status_code == 404


def test_the_look_up_page_refuses_control_characters_without_an_error_page(signed_in):
    client = signed_in("agent")
    answer = client.get("/directory", params={"name": "smi\x00th", "number": "\x00"})
    assert answer.status_code == 200 and "must not contain a NUL character" in answer.text


def test_the_editions_page_produces_an_edition_and_downloads_it(signed_in, make_line, session):
    client = signed_in("compliance_officer")
    make_line("corporate", name="Acme Ltd")
    token = csrf_from(client.get("/directory/editions").text)
    made = client.post("/directory/editions", data={"format": "csv", "since_edition_id": "", "csrf_token": token})
    assert made.status_code == 303
    edition = session.execute(select(DirectoryEdition)).scalar_one()
    session.commit()  # ends the read: SQLite transactions hold the write lock the download needs
    content = client.get(f"/directory/editions/{edition.id}/content")
    assert hashlib.sha256(content.content).hexdigest() == edition.sha256 and b"Acme Ltd" in content.content
    bad = client.post("/directory/editions", data={"format": "csv", "since_edition_id": "x", "csrf_token": token})
    assert bad.status_code == 422 and "There is a problem" in bad.text


def test_pecr_directory_edition_writes_the_file_and_names_its_digest(tmp_path):
    database = f"sqlite:///{tmp_path / 'pecr.db'}"
    assert run_pecr("db", "upgrade", database_url=database).returncode == 0
    out = tmp_path / "edition.csv"
    made = run_pecr("directory", "edition", "--out", str(out), database_url=database)
    assert made.returncode == 0, made.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() in made.stderr
    assert out.read_text() == "line_id,number,listing,name,address,reverse_search\n"
    delta = run_pecr(
        "directory", "edition", "--out", str(out), "--since", "1", "--format", "jsonl", database_url=database
    )
    assert delta.returncode == 0 and "(delta)" in delta.stderr and out.read_bytes() == b""
    unknown = run_pecr("directory", "edition", "--out", str(out), "--since", "7", database_url=database)
    assert unknown.returncode == 1 and "does not exist" in unknown.stderr


def test_the_notice_page_saves_versions_and_names_an_empty_part(signed_in, make_line, session):
    from tests.directories.conftest import NOTICE_TEXT

    client = signed_in("compliance_officer")
    token = csrf_from(client.get("/directory/notice").text)
    parts = NOTICE_TEXT.model_dump()
    assert client.post("/directory/notice", data={**parts, "csrf_token": token}).status_code == 303
    assert "a draft nobody has been served yet" in client.get("/directory/notice").text
    empty = client.post("/directory/notice", data={**parts, "opt_out": " ", "csrf_token": token})
    assert empty.status_code == 422 and "How to opt out (free of charge)" in empty.text


def _reverse_box(page: str) -> str:
    start = page.index('id="reverse_search"')
    return page[start : page.index(">", start)]


def test_the_choice_form_starts_from_the_defaults_of_the_subscriber_kind(signed_in, make_line, notice):
    """A corporate subscriber is reverse-searchable unless it opts out, so its box starts ticked: saving
    the form to change something else must not opt it out. An individual's starts unticked."""
    client = signed_in("agent")
    corporate, individual = make_line("corporate", name="Acme Ltd"), make_line()
    corporate_page = client.get(f"/subscribers/{corporate.subscriber_id}/lines/{corporate.id}/directory").text
    individual_page = client.get(f"/subscribers/{individual.subscriber_id}/lines/{individual.id}/directory").text
    assert "checked" in _reverse_box(corporate_page)
    assert "checked" not in _reverse_box(individual_page)
    assert 'value="locality" selected' in individual_page and 'value="full" selected' in corporate_page


def test_the_choice_form_shows_the_recorded_choice(signed_in, make_line, notice):
    client = signed_in("agent")
    corporate, individual = make_line("corporate", name="Acme Ltd"), make_line()
    for line, reverse in ((corporate, False), (individual, True)):
        url = f"/subscribers/{line.subscriber_id}/lines/{line.id}/directory"
        data = {"listing": "full", "name_form": "full", "address_detail": "full", "channel": "post"}
        data |= {"notice_version_id": str(notice.id), "csrf_token": csrf_from(client.get(url).text)}
        assert client.post(url, data=data | ({"reverse_search": "yes"} if reverse else {})).status_code == 303
        assert ("checked" in _reverse_box(client.get(url).text)) is reverse
