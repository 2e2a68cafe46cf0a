"""The property graph as stored (labels, relationship types, properties) as GraphML, for Gephi, yEd or Neo4j.

Every fact edge carries the fact's full JSON (``fact``) and the study node its
record (``study``), as in the stores (:mod:`graph.mapping`), so reading the file
back rebuilds the studies and review updates exactly.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import networkx as nx
from pydantic import ValidationError

from facekg.errors import InputError
from facekg.records import ReviewUpdate, StudyRecord
from graph.mapping import record_from_rows, update_from_props
from graph.schema import FACT_EDGE_TYPES, Label
from graph.store import GraphStore

MEDIA_TYPE = "application/graphml+xml"


def export_graphml(store: GraphStore) -> str:
    rows = store.export_rows()
    graph = nx.MultiDiGraph()
    for node in rows.nodes:
        graph.add_node(node.key, labels=f":{node.label}", **{k: v for k, v in node.props.items() if v is not None})
    for edge in rows.edges:
        graph.add_edge(edge.source, edge.target, type=edge.type,
                       **{k: v for k, v in edge.props.items() if v is not None})
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def read_graphml(text: str, file: str) -> tuple[list[ReviewUpdate], list[StudyRecord]]:
    """The updates and studies of a GraphML export; InputError names the file, the node and the property."""
    try:
        graph = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    except Exception as exc:  # networkx raises XML and graphml errors of several types
        raise InputError(f"not valid GraphML: {exc}", file=file) from exc
    fact_edges: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for source, _target, props in graph.edges(data=True):
        if props.get("type") in FACT_EDGE_TYPES:
            fact_edges[source].append((str(props["type"]), props))
    updates: list[ReviewUpdate] = []
    studies: list[StudyRecord] = []
    for key, props in graph.nodes(data=True):
        label = str(props.get("labels", "")).lstrip(":")
        try:
            if label == Label.REVIEW_UPDATE:
                updates.append(update_from_props(props))
            elif label == Label.STUDY:
                if "study" not in props:
                    raise InputError("a Study node needs its 'study' property (the record as JSON)", file=file,
                                     record=key, field="study")
                studies.append(record_from_rows(props, fact_edges.get(key, [])))
        except (KeyError, ValueError, ValidationError) as exc:
            raise InputError(f"cannot read the {label} node: {exc}", file=file, record=key) from exc
    updates.sort(key=lambda u: (u.created_at, u.id))
    studies.sort(key=lambda s: s.id)
    return updates, studies
