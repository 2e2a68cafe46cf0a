"""The review as CSV tables in long format: studies, facts, results and review updates, zipped together.

``studies.csv``  one row per study (its scalar fields; lists as JSON arrays; ``screening.*`` columns)
``facts.csv``    one row per fact that is not a result: ``study_id``, ``kind``, ``ordinal``, the fact's fields,
                 then ``provenance.*`` (source, reviewer, extractor version, review update, evidence span)
``results.csv``  one row per reported figure (metric, value, unit, CI, ...) with the same provenance columns
``updates.csv``  one row per review update (``counts`` as a JSON object)

Columns are derived from the record models, nested fields joined with ``.``
(``provenance.evidence.start``), so the tables and the models cannot drift
apart. An empty cell is null; the tables re-import losslessly
(:func:`read_csv_bundle`).
"""

from __future__ import annotations

import csv
import io
import json
import types
import typing
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from facekg.errors import InputError
from facekg.records import MetricResult, Provenance, ReviewUpdate, StudyRecord
from graph.exports.chunks import CHUNK
from graph.exports.rdf_mapping import FACT_CLASSES
from graph.store import GraphStore

MEDIA_TYPE = "application/zip"
TABLES = ("studies.csv", "facts.csv", "results.csv", "updates.csv")
FACT_KINDS = tuple(kind for kind in FACT_CLASSES if kind != "metrics")


def _nested_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    annotation = model.model_fields[name].annotation
    candidates = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) \
        else (annotation,)
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)


def columns(model: type[BaseModel], prefix: str = "", skip: Iterable[str] = ()) -> list[str]:
    """The model's fields as column names, nested models flattened (``provenance.evidence.text``)."""
    names = []
    for name in model.model_fields:
        if name in skip:
            continue
        nested = _nested_model(model, name)
        names += columns(nested, f"{prefix}{name}.") if nested else [f"{prefix}{name}"]
    return names


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key not in ("counts",):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = _cell(value)
    return flat


class _Rows:
    """A CSV writer of one table: rows as flattened dicts, text written as it comes."""

    def __init__(self, out: typing.TextIO, header: Sequence[str]) -> None:
        self.writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
        self.writer.writeheader()

    def write(self, row: dict[str, str]) -> None:
        # a nested model that is None (no evidence) flattens to one empty cell under its own name
        self.writer.writerow({k: v for k, v in row.items() if v != "" or k in self.writer.fieldnames})


def _table(header: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    table = _Rows(buffer, header)
    for row in rows:
        table.write(row)
    return buffer.getvalue()


def _fact_columns() -> list[str]:
    fields: list[str] = []
    for kind in FACT_KINDS:
        for name in columns(FACT_CLASSES[kind]):
            if name not in fields and not name.startswith("provenance."):
                fields.append(name)
    return ["study_id", "kind", "ordinal", *fields, *columns(Provenance, "provenance.")]


def _study_row(study: StudyRecord) -> dict[str, str]:
    return _flatten(study.model_dump(mode="json", exclude=set(FACT_CLASSES)))


def _fact_rows(study: StudyRecord, *, results: bool) -> Iterator[dict[str, str]]:
    """The study's results (``results``) or its other facts, one row each."""
    for kind, facts in study.fact_lists().items():
        if (kind == "metrics") != results:
            continue
        for ordinal, fact in enumerate(facts):
            row = {"study_id": study.id, "ordinal": str(ordinal), **_flatten(fact.model_dump(mode="json"))}
            yield row if results else {"kind": kind, **row}


def _update_rows(updates: Iterable[ReviewUpdate]) -> Iterator[dict[str, str]]:
    return (_flatten(u.model_dump(mode="json")) for u in updates)


def _layout() -> dict[str, list[str]]:
    """Each table's columns, by file name, in the order the bundle holds them."""
    return {
        "studies.csv": columns(StudyRecord, skip=FACT_CLASSES),
        "facts.csv": _fact_columns(),
        "results.csv": ["study_id", "ordinal", *columns(MetricResult)],
        "updates.csv": columns(ReviewUpdate),
    }


def csv_tables(updates: Sequence[ReviewUpdate], studies: Iterable[StudyRecord]) -> dict[str, str]:
    """The four tables as CSV text, by file name (for a few studies: the export streams, :func:`stream_csv_bundle`)."""
    kept = list(studies)
    layout = _layout()
    return {
        "studies.csv": _table(layout["studies.csv"], (_study_row(s) for s in kept)),
        "facts.csv": _table(layout["facts.csv"], (r for s in kept for r in _fact_rows(s, results=False))),
        "results.csv": _table(layout["results.csv"], (r for s in kept for r in _fact_rows(s, results=True))),
        "updates.csv": _table(layout["updates.csv"], _update_rows(updates)),
    }


class _Sink(io.RawIOBase):
    """Where the zip is written: bytes kept until the generator hands them on (not seekable, so zipfile
    writes data descriptors and never goes back)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: typing.Any) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def stream_csv_bundle(store: GraphStore) -> Iterator[bytes]:
    """The four tables in one zip, written as the store is read: one pass over the studies per table."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, header in _layout().items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # fixed: same graph, same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            with bundle.open(info, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
                table = _Rows(text, header)
                if name == "updates.csv":
                    rows: Iterable[dict[str, str]] = _update_rows(store.review_updates())
                elif name == "studies.csv":
                    rows = (_study_row(study) for study in store.studies())
                else:
                    results = name == "results.csv"
                    rows = (row for study in store.studies() for row in _fact_rows(study, results=results))
                for row in rows:
                    table.write(row)
                    if sink.size >= CHUNK:
                        text.flush()
                        yield sink.drain()
    yield sink.drain()


def export_csv_bundle(store: GraphStore) -> bytes:
    """The four tables in one zip file."""
    return b"".join(stream_csv_bundle(store))


# -- reading ---------------------------------------------------------------------------------------------------
def _unflatten(model: type[BaseModel], row: dict[str, str], prefix: str = "") -> dict[str, Any] | None:
    """The model's data from its columns; None when every column of a nested model is empty."""
    data: dict[str, Any] = {}
    for name in model.model_fields:
        if name in FACT_CLASSES and model is StudyRecord:
            continue
        nested = _nested_model(model, name)
        if nested is not None:
            value = _unflatten(nested, row, f"{prefix}{name}.")
            if value is not None:
                data[name] = value
            continue
        cell = row.get(f"{prefix}{name}", "")
        if cell == "":
            continue
        annotation = str(model.model_fields[name].annotation)
        data[name] = json.loads(cell) if annotation.startswith(("list", "dict")) else cell
    return data or None


def _validate(model: type[BaseModel], data: dict[str, Any] | None, file: str, line: int) -> Any:
    try:
        return model.model_validate(data or {})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InputError(error["msg"], file=file, record=f"line {line}",
                         field=".".join(str(p) for p in error["loc"])) from exc


def _rows(text: str, file: str, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in required if name not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=file, record="header")
    return [(index, row) for index, row in enumerate(reader, start=2)]


def read_csv_tables(tables: dict[str, str], file: str) -> tuple[list[ReviewUpdate], list[StudyRecord]]:
    """Updates and studies from the four tables; InputError names the table, the line and the column."""
    for name in TABLES:
        if name not in tables:
            raise InputError(f"the bundle has no {name}; expected {', '.join(TABLES)}", file=file)
    updates = [_validate(ReviewUpdate, _unflatten(ReviewUpdate, row), f"{file}:updates.csv", line)
               for line, row in _rows(tables["updates.csv"], f"{file}:updates.csv", ["id", "created_at"])]
    studies: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for line, row in _rows(tables["studies.csv"], f"{file}:studies.csv", ["id", "title"]):
        if row["id"] in studies:
            raise InputError(f"study {row['id']!r} appears twice (first on line {lines[row['id']]})",
                             file=f"{file}:studies.csv", record=f"line {line}", field="id")
        data = _unflatten(StudyRecord, row) or {}
        data.update({kind: [] for kind in FACT_CLASSES})
        studies[row["id"]], lines[row["id"]] = data, line
    facts: list[tuple[str, str, int, dict[str, Any]]] = []
    for table, kind_of in (("facts.csv", None), ("results.csv", "metrics")):
        where = f"{file}:{table}"
        for line, row in _rows(tables[table], where, ["study_id", "ordinal"]):
            kind = kind_of or row.get("kind", "")
            if kind not in FACT_CLASSES:
                raise InputError(f"unknown fact kind {kind!r}; use one of {', '.join(FACT_KINDS)}", file=where,
                                 record=f"line {line}", field="kind")
            if row["study_id"] not in studies:
                raise InputError(f"no study {row['study_id']!r} in studies.csv", file=where, record=f"line {line}",
                                 field="study_id")
            if not row["ordinal"].isdigit():
                raise InputError(f"ordinal {row['ordinal']!r} is not a whole number", file=where,
                                 record=f"line {line}", field="ordinal")
            fact = _validate(FACT_CLASSES[kind], _unflatten(FACT_CLASSES[kind], row), where, line)
            facts.append((row["study_id"], kind, int(row["ordinal"]), fact.model_dump()))
    for study_id, kind, _ordinal, fact in sorted(facts, key=lambda f: (f[0], f[1], f[2])):
        studies[study_id][kind].append(fact)
    records = [_validate(StudyRecord, data, f"{file}:studies.csv", lines[sid]) for sid, data in studies.items()]
    updates.sort(key=lambda u: (u.created_at, u.id))
    return updates, sorted(records, key=lambda s: s.id)


def read_csv_bundle(data: bytes, file: str) -> tuple[list[ReviewUpdate], list[StudyRecord]]:
    """Updates and studies from the zip :func:`export_csv_bundle` writes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            tables = {name: bundle.read(name).decode("utf-8") for name in bundle.namelist() if name in TABLES}
    except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise InputError(f"not a zip of UTF-8 CSV tables: {exc}", file=file) from exc
    return read_csv_tables(tables, file)
