"""The rows that point at a defender or a partner, found from the database's foreign keys, moved to the kept
record when two are merged and back when the merge is undone.

Whatever plugin owns a table, its rows follow a merge without the plugin doing anything: the tables are the
models' (``db.metadata``), plus any table of the database the running application does not declare (a disabled
plugin's), read by reflection. A row that would repeat one the kept record already has (the same case, the same
right: a unique key) is deleted and kept whole in the merge's audit row, so that undoing restores it. A row that
can be neither moved nor dropped that way stops the merge, which then changes nothing: no row is ever lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Index,
    MetaData,
    Table,
    UniqueConstraint,
    delete,
    insert,
    inspect,
    literal_column,
    select,
    update,
)
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table

from ..extensions import db
from ..languages.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Blocked:
    """Rows of ``table`` that point at the merged record and cannot be moved, and why. ``refers``: the table's
    other one-column foreign keys, as (column, referred table), and ``found``: the rows themselves, so that the
    page that says so can name the records they belong to and count only those its reader may see."""

    table: str
    rows: int
    reason: Any  # a lazy translated string
    refers: tuple[tuple[str, str], ...] = ()
    found: tuple[dict[str, Any], ...] = field(default=(), compare=False, repr=False)


class CannotMove(Exception):
    """Some rows cannot be moved; ``blocked`` lists them. Nothing was written."""

    def __init__(self, blocked: list[Blocked]):
        super().__init__(", ".join(f"{b.table} ({b.rows})" for b in blocked))
        self.blocked = blocked


def _referring(connection: Connection, record_table: Table) -> list[tuple[Table, Any]]:
    """Every (table, foreign key) of the database that points at ``record_table``: the declared tables that
    exist, and the undeclared ones, reflected."""
    target, inspector = f"{record_table.name}.id", inspect(connection)
    existing = set(inspector.get_table_names())
    tables = [table for name, table in db.metadata.tables.items() if name in existing]
    reflected = MetaData()
    for name in sorted(existing - set(db.metadata.tables) - {"alembic_version"}):
        if any(fk["referred_table"] == record_table.name for fk in inspector.get_foreign_keys(name)):
            tables.append(Table(name, reflected, autoload_with=connection, resolve_fks=False))
    return [(table, fk) for table in tables for fk in table.foreign_key_constraints
            if any(element.target_fullname == target for element in fk.elements)]


def _unique_keys(table: Table, column: Column) -> list[list[Column]]:
    """The unique keys of ``table`` that include ``column``: its primary key, unique constraints and indexes."""
    keys = [list(table.primary_key.columns)]
    keys += [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    keys += [list(index.columns) for index in table.indexes if isinstance(index, Index) and index.unique
             and len(index.columns) == len(index.expressions)]
    return [key for key in keys if any(c is column for c in key)]


def _is_referenced(table: Table) -> bool:
    """Whether a declared table points at rows of ``table`` (deleting one of them would touch others)."""
    return any(fk.target_fullname.split(".")[0] == table.name
               for other in db.metadata.tables.values() for fk in other.foreign_keys)


def _encode(value: Any) -> Any:
    """A column's value as JSON for the audit row, tagged where JSON alone would lose its type."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    for kind, tag in ((datetime, "datetime"), (date, "date"), (time, "time")):
        if isinstance(value, kind):
            return {tag: value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, (dict, list)):
        return {"json": value}
    raise TypeError(type(value).__name__)


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    [(tag, text)] = value.items()
    return {"datetime": datetime.fromisoformat, "date": date.fromisoformat, "time": time.fromisoformat,
            "decimal": Decimal, "json": lambda kept: kept}[tag](text)


def move(record_table: Table, source_id: int, target_id: int) -> list[dict[str, Any]]:
    """Point every row that refers to ``source_id`` at ``target_id``, in the session's transaction; returns what
    moved and what was dropped as a duplicate (for the audit row and :func:`restore`). Raises
    :class:`CannotMove`, having written nothing, when some rows cannot be moved."""
    connection = db.session.connection()
    plans, blocked = [], []
    for table, fk in _referring(connection, record_table):
        column = fk.columns[0]
        rows = [dict(row) for row in connection.execute(select(table).where(column == source_id)).mappings()]
        if not rows:
            continue
        reason, key, duplicates = None, list(table.primary_key.columns), set()
        if len(fk.columns) != 1:
            reason = _l("its link to the record has several columns")
        elif not key:
            reason = _l("its rows cannot be told apart (no primary key)")
        for unique in [] if reason else _unique_keys(table, column):
            others = [c for c in unique if c is not column]
            held = set(connection.execute(select(*others or [column]).where(column == target_id)).all())
            if not others and held:
                reason = _l("each record may have only one, and both records have one")
                break
            duplicates |= {n for n, row in enumerate(rows) if all(row[c.name] is not None for c in others)
                           and tuple(row[c.name] for c in others) in held}
        if duplicates and reason is None and _is_referenced(table):
            reason = _l("other rows depend on the ones the kept record already has")
        try:
            kept = [{name: _encode(value) for name, value in rows[n].items()} for n in sorted(duplicates)]
            moved = [[_encode(row[c.name]) for c in key] for n, row in enumerate(rows) if n not in duplicates]
        except TypeError:
            reason = reason or _l("a value of its rows cannot be kept to undo the merge")
        if reason is not None:
            refers = tuple((other.columns[0].name, other.elements[0].target_fullname.rsplit(".", 1)[0])
                           for other in table.foreign_key_constraints if len(other.columns) == 1 and other is not fk)
            blocked.append(Blocked(table.name, len(rows), reason, refers, tuple(rows)))
            continue
        plans.append((table, column, key, [rows[n] for n in sorted(duplicates)],
                      {"table": table.name, "column": column.name, "key": [c.name for c in key],
                       "moved": moved, "dropped": kept}))
    if blocked:
        raise CannotMove(blocked)
    for table, column, key, dropped, _record in plans:
        for row in dropped:
            connection.execute(delete(table).where(*[c == row[c.name] for c in key]))
        connection.execute(update(table).where(column == source_id).values({column.name: target_id}))
    return [record for *_plan, record in plans]


def _table(connection: Connection, name: str) -> Table | None:
    """A table by name, declared or reflected; ``None`` once it is gone from the database."""
    if name not in inspect(connection).get_table_names():
        return None
    declared = db.metadata.tables.get(name)
    return declared if declared is not None else Table(name, MetaData(), autoload_with=connection, resolve_fks=False)


def _points_at_a_gone_row(connection: Connection, table: Table, row: dict[str, Any]) -> bool:
    """Whether one of the row's other foreign keys names a row deleted since the merge (one whose key says
    ``SET NULL`` is emptied instead, as the deletion would have done had the row been there)."""
    for fk in table.foreign_key_constraints:
        name = fk.columns[0].name
        if len(fk.elements) != 1 or row.get(name) is None:
            continue
        referred, key = fk.elements[0].target_fullname.rsplit(".", 1)
        if connection.scalar(select(literal_column("1")).select_from(sql_table(referred, sql_column(key)))
                             .where(sql_column(key) == row[name])) is None:
            if (fk.ondelete or "").upper() != "SET NULL":
                return True
            row[name] = None
    return False


def restore(moves: list[dict[str, Any]], source_id: int, target_id: int) -> None:
    """Undo :func:`move`: the moved rows point at ``source_id`` again and the dropped ones come back whole (an
    id since taken by another row is left to the database to choose)."""
    connection = db.session.connection()
    for done in moves:
        table = _table(connection, done["table"])
        if table is None:
            continue  # the table was dropped since (its plugin uninstalled): nothing of it left to restore
        column, key = table.c[done["column"]], [table.c[name] for name in done["key"]]
        back = update(table).where(column == target_id).values({column.name: source_id})
        by_id = len(key) == 1 and key[0] is not column  # one statement for all the rows
        if by_id and done["moved"]:
            connection.execute(back.where(key[0].in_([_decode(values[0]) for values in done["moved"]])))
        elif not by_id:
            for values in done["moved"]:
                connection.execute(back.where(*[c == _decode(v) for c, v in zip(key, values) if c is not column]))
        for kept in done["dropped"]:
            row = {name: _decode(value) for name, value in kept.items() if name in table.c}
            row[column.name] = source_id
            if _points_at_a_gone_row(connection, table, row):
                continue  # its case (mission, action...) was deleted since, with the links the merge moved
            serial = table.autoincrement_column
            if serial is not None and connection.scalar(select(serial).where(serial == row.get(serial.name))):
                del row[serial.name]
            connection.execute(insert(table).values(row))


def restore_legacy(moved: dict[str, dict[str, list[int]]], record_table: Table, source_id: int,
                   target_id: int) -> None:
    """Undo what plugins moved through ``relink`` in merges recorded before rows moved by their foreign keys
    (``{plugin: {table: [row ids], "<table>_dropped": [owner ids]}}``), for plugins that no longer implement
    the merge hook: the rows go back, and a dropped link is added again for its owner."""
    connection = db.session.connection()
    target = f"{record_table.name}.id"
    for tables in moved.values():
        for name, ids in tables.items():
            table = None if name.endswith("_dropped") else _table(connection, name)
            if table is None:
                continue
            column = next(fk.columns[0] for fk in table.foreign_key_constraints
                          if any(element.target_fullname == target for element in fk.elements))
            connection.execute(update(table).where(table.c.id.in_(ids), column == target_id)
                               .values({column.name: source_id}))
            owners = [[c for c in key if c is not column] for key in _unique_keys(table, column)]
            owner = next((cols[0] for cols in owners if len(cols) == 1), None)
            for owner_id in tables.get(f"{name}_dropped", []) if owner is not None else []:
                connection.execute(insert(table).values({owner.name: owner_id, column.name: source_id}))
