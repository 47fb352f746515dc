"""Importing defenders and partners from CSV or XLSX: every row checked first, all or nothing.

The columns are the ones the exports write (so an export, edited, imports back). Countries are
ISO alpha-3 codes; rights are codes of the "rights defended" list, separated by ``|``. A code that
is not in a controlled list is an error, never a new term: an admin adds terms on purpose.
"""
from __future__ import annotations

import csv
import io
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import select

from ..database.models import User
from ..extensions import db
from ..jobs.jobs import JobContext
from ..languages.i18n import lazy_gettext as _l
from ..notifications.services import send_queued_mail
from ..plugin_host.contributions import CONFIDENTIALITY_LEVELS
from . import services
from .models import Country, Defender, Partner, Term

MAX_ROWS = 20000
YES, NO = {"yes", "y", "true", "1", "oui", "si", "sí"}, {"no", "n", "false", "0", "non", ""}


@dataclass
class Column:
    key: str
    required: bool = False
    max_length: int = 200
    choices: tuple[str, ...] | None = None


COLUMNS = {
    "defender": [Column("name", True), Column("kind", choices=(Defender.PERSON, Defender.ORGANISATION)),
                 Column("country", True), Column("aliases", max_length=2000), Column("rights", max_length=2000),
                 Column("gender", choices=("", "woman", "man", "non_binary", "other")), Column("profession"),
                 Column("risk", choices=Defender.RISK_LEVELS), Column("confidentiality", choices=CONFIDENTIALITY_LEVELS),
                 Column("consent"), Column("publication_name"), Column("summary", max_length=20000)],
    "partner": [Column("name", True), Column("acronym", max_length=50), Column("country", True),
                Column("aliases", max_length=2000), Column("network"), Column("description", max_length=20000),
                Column("confidentiality", choices=CONFIDENTIALITY_LEVELS)],
}


@dataclass
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: Any


@dataclass
class Checked:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class UnreadableFile(ValueError):
    pass


def read_table(stream: IO[bytes], filename: str) -> list[list[str]]:
    """Rows of cells as text, from an XLSX workbook's first sheet or a CSV file (comma or semicolon)."""
    data = stream.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
    if len(data) > current_app.config["ATTACHMENT_MAX_BYTES"]:
        raise UnreadableFile(_l("The file is too large to import."))
    if data[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # noqa: BLE001 - any damaged workbook
            raise UnreadableFile(_l("This workbook could not be read.")) from error
        return [["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(_l("Save the CSV file as UTF-8 and try again.")) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def check(kind: str, table: list[list[str]]) -> Checked:
    """Every problem of every row, with row and column; rows ready to save when there is none."""
    result = Checked()
    if not table or not any(table[0]):
        result.problems.append(Problem(1, "", _l("The file is empty.")))
        return result
    header = [cell.strip().lower() for cell in table[0]]
    columns = COLUMNS[kind]
    for column in columns:
        if column.required and column.key not in header:
            result.problems.append(Problem(1, column.key, _l("This column is missing.")))
    unknown = [name for name in header if name and name not in {c.key for c in columns} | {"id", "link", "region"}]
    for name in unknown:
        result.problems.append(Problem(1, name, _l("Unknown column: remove it or check its spelling.")))
    if result.problems:
        return result
    body = [row for row in table[1:] if any(row)]
    if len(body) > MAX_ROWS:
        result.problems.append(Problem(1, "", _l("At most %(count)d rows can be imported at once.", count=MAX_ROWS)))
        return result
    countries = dict(db.session.execute(select(Country.alpha3, Country.id)).all())
    rights = {t.key: t for t in db.session.scalars(select(Term).where(Term.vocabulary == "rights"))}
    for number, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        values = {name: (row[index] if index < len(row) else "") for index, name in enumerate(header) if name}
        clean, problems = _check_row(kind, number, values, countries, rights)
        result.problems += problems
        if not problems:
            result.rows.append(clean)
    return result


def _check_row(kind: str, number: int, values: dict[str, str], countries: dict[str, int],
               rights: dict[str, Term]) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for column in COLUMNS[kind]:
        value = values.get(column.key, "").strip()
        if column.required and not value:
            problems.append(Problem(number, column.key, _l("This value is required.")))
        elif len(value) > column.max_length:
            problems.append(Problem(number, column.key, _l("At most %(count)d characters.", count=column.max_length)))
        elif column.choices is not None and value and value.lower() not in column.choices:
            problems.append(Problem(number, column.key, _l("“%(value)s” is not one of: %(choices)s.", value=value,
                                                           choices=", ".join(c for c in column.choices if c))))
        clean[column.key] = value.lower() if column.choices is not None else value
    if clean.get("country") and clean["country"].upper() not in countries:
        problems.append(Problem(number, "country", _l("“%(value)s” is not an ISO alpha-3 country code.",
                                                      value=clean["country"])))
    else:
        clean["country_id"] = countries.get(clean.get("country", "").upper())
    if kind == "defender":
        codes = [code.strip() for code in clean.get("rights", "").split("|") if code.strip()]
        for code in codes:
            if code not in rights or not rights[code].active:
                problems.append(Problem(number, "rights", _l(
                    "“%(value)s” is not in the list of rights defended; an administrator must add it first.",
                    value=code)))
        clean["right_ids"] = [rights[code].id for code in codes if code in rights]
        consent = clean.get("consent", "").lower()
        if consent not in YES | NO:
            problems.append(Problem(number, "consent", _l("Write yes or no.")))
        clean["consent"] = consent in YES
        if not clean["consent"] and not clean.get("publication_name"):
            problems.append(Problem(number, "publication_name", _l(
                "Without consent, give the initials or pseudonym to publish.")))
    return clean, problems


def _folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_for_confirmation(kind: str, user: User, rows: list[dict[str, Any]]) -> str:
    """Hold checked rows until the user confirms (the file is not uploaded twice)."""
    token = secrets.token_hex(16)
    (_folder() / f"{token}.json").write_text(json.dumps({"kind": kind, "user_id": user.id, "rows": rows}))
    return token


def held_rows(token: str, user_id: int) -> dict[str, Any] | None:
    if not token.isalnum() or len(token) != 32:
        return None
    path = _folder() / f"{token}.json"
    if not path.exists():
        return None
    held = json.loads(path.read_text())
    return held if held["user_id"] == user_id else None


def run_import(ctx: JobContext, *, token: str, user_id: int) -> None:
    """Save every held row in one transaction (the job fails, saving nothing, if any row fails)."""
    held = held_rows(token, user_id)
    if held is None:
        raise ValueError("this import was already done or has expired")
    author = db.session.get(User, user_id)
    kind, rows = held["kind"], held["rows"]
    for number, row in enumerate(rows, start=1):
        record = _build(kind, row)
        services.save_record(record, _fields(kind, row), set(), author, commit=False)
        if number % 200 == 0:
            ctx.job.progress = number * 100 // len(rows)
    (_folder() / f"{token}.json").unlink(missing_ok=True)
    send_queued_mail()  # commits the import, then mails the people it concerns
    ctx.job.message = f"{len(rows)}"
    ctx.save_result(f"import-{kind}s.txt", f"{len(rows)} {kind}(s) imported\n".encode(), "text/plain")


def _build(kind: str, row: dict[str, Any]) -> Any:
    return Defender() if kind == "defender" else Partner()


def _fields(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    common = {"name": row["name"], "aliases": row.get("aliases", "").replace("|", "\n"),
              "country": db.session.get(Country, row["country_id"]),
              "confidentiality": row.get("confidentiality") or "internal"}
    if kind == "partner":
        return {**common, "acronym": row.get("acronym", ""), "network": row.get("network", ""),
                "description": row.get("description", "")}
    return {**common, "kind": row.get("kind") or Defender.PERSON, "gender": row.get("gender") or None,
            "profession": row.get("profession", ""), "risk_level": row.get("risk") or "medium",
            "consent_to_publish": row["consent"], "publication_name": row.get("publication_name", ""),
            "summary": row.get("summary", ""), "rights": row["right_ids"]}
