"""Many rows inserted through the database driver, for the write paths that insert thousands.

SQLAlchemy's own insert handles each row's parameters in Python (a dict per row, a processor call
per value), which cost more than SQLite's writing the rows. A :class:`BulkInsert` builds its
statement once per kind of database and set of columns, hands the driver tuples, and converts only
the columns whose type converts its values (dates, timestamps on SQLite), a column at a time.
A database whose driver takes neither ``?`` nor ``%s`` goes through SQLAlchemy's insert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Dialect

MAX_PARAMETERS = 30000  # per statement with RETURNING (SQLite allows 32766, PostgreSQL 65535)

Row = dict[str, Any] | tuple[Any, ...]
_Converters = list[tuple[int, Callable[[Any], Any]]]


class BulkInsert:
    """Insert rows into one table: dicts of the same columns, or tuples with the columns named."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._built: dict[tuple[str, tuple[str, ...]], tuple[str, _Converters]] = {}

    def run(self, conn: Connection, rows: Sequence[Row], columns: Sequence[str] | None = None) -> None:
        """Insert ``rows`` (one driver ``executemany``)."""
        if not rows:
            return
        names = _columns(rows, columns)
        placeholder = _placeholder(conn.dialect)
        if placeholder is None:
            conn.execute(insert(self.table), _dicts(rows, names))
            return
        head, convert = self._build(conn.dialect, names)
        conn.exec_driver_sql(f"{head} VALUES ({', '.join([placeholder] * len(names))})",
                             _parameters(rows, names, convert))

    def returning(self, conn: Connection, rows: Sequence[Row], key: str,
                  columns: Sequence[str] | None = None) -> dict[Any, int]:
        """Insert ``rows``, a few statements for all of them; each row's ``id`` by its ``key`` column
        (a multi-row insert returns its rows in no promised order)."""
        if not rows:
            return {}
        names = _columns(rows, columns)
        placeholder = _placeholder(conn.dialect)
        if placeholder is None:
            statement = insert(self.table).returning(self.table.c[key], self.table.c.id)
            return {value: int(row_id) for value, row_id in conn.execute(statement, _dicts(rows, names))}
        head, convert = self._build(conn.dialect, names)
        values = f"({', '.join([placeholder] * len(names))})"
        tail = f" RETURNING {conn.dialect.identifier_preparer.quote(key)}, id"
        ids: dict[Any, int] = {}
        step = max(1, MAX_PARAMETERS // len(names))
        for at in range(0, len(rows), step):
            part = _parameters(rows[at:at + step], names, convert)
            flat = tuple(value for row in part for value in row)
            result = conn.exec_driver_sql(f"{head} VALUES {', '.join([values] * len(part))}{tail}", flat)
            ids.update((value, int(row_id)) for value, row_id in result)
        return ids

    def _build(self, dialect: Dialect, columns: tuple[str, ...]) -> tuple[str, _Converters]:
        """``INSERT INTO table (columns)``, and the converters of the columns that have one, by position."""
        built = self._built.get((dialect.name, columns))
        if built is None:
            quote = dialect.identifier_preparer.quote
            head = f"INSERT INTO {quote(self.table.name)} ({', '.join(map(quote, columns))})"
            convert: _Converters = []
            for i, name in enumerate(columns):
                processor = self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    convert.append((i, processor))
            built = self._built[(dialect.name, columns)] = (head, convert)
        return built


def _columns(rows: Sequence[Row], columns: Sequence[str] | None) -> tuple[str, ...]:
    if columns is not None:
        return tuple(columns)
    first = rows[0]
    if not isinstance(first, dict):
        raise TypeError("rows as tuples need their columns named")
    return tuple(first)


def _placeholder(dialect: Dialect) -> str | None:
    """How the driver marks a positional parameter, if it takes them as ``?`` or ``%s``."""
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)


def _dicts(rows: Sequence[Row], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [row if isinstance(row, dict) else dict(zip(columns, row, strict=True)) for row in rows]


def _parameters(rows: Sequence[Row], columns: tuple[str, ...], convert: _Converters) -> list[tuple[Any, ...]]:
    """Each row's values in the order of ``columns``, converted for the driver a column at a time."""
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    tuples = [pick(row) if isinstance(row, dict) else row for row in rows]
    if not convert:
        return tuples
    by_column = list(zip(*tuples, strict=True))
    for i, processor in convert:
        by_column[i] = _converted(processor, by_column[i])
    return list(zip(*by_column, strict=True))


def _converted(processor: Callable[[Any], Any], values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A column's values converted, each distinct value once (a batch's rows share a few dates)."""
    try:
        once = {value: processor(value) for value in set(values)}
    except TypeError:  # a value that cannot be a key
        return tuple(map(processor, values))
    return tuple(map(once.__getitem__, values))
