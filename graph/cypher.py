"""Every Cypher statement the Neo4j store sends, in one place.

All values travel as parameters. Labels and relationship types cannot be
parameters in a MERGE that uses the label's index, so the few templates that
need one take it from :data:`graph.schema.NODE_LABELS` / :data:`graph.schema.EDGE_TYPES`
through :func:`node_label` / :func:`edge_type`, which refuse anything else; every other label and
type named here is one of :mod:`graph.schema`'s constants too.

Every node carries the shared label :data:`NODE` besides its own label, with a
uniqueness constraint on ``key``: edges find their ends through that index, and
a key written under two labels fails the constraint instead of forking a node.
Neo4j cannot store null, so property maps are sent without their null entries
and the null-valued keys are kept in the list property :data:`NULLS`; the store
puts them back on read, which keeps export rows identical to the embedded store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graph.schema import (
    EDGE_TYPES,
    NODE_LABELS,
    OWNED_LABELS,
    UNMAPPED_KEY_MARK,
    Edge,
    Label,
    check_edge_type,
    check_label,
)

NODE = "FacekgNode"
NULLS = "_nulls"
KEY = "key"
SEARCH = "_search"
"""A study's case-folded title and abstract (a trigram TEXT index answers ``CONTAINS`` on it)."""
ORDER = "_order"
"""A study's listing order as one string (year newest first, then id), range-indexed so pages read in order."""
RESERVED_PROPS = frozenset({KEY, NULLS, SEARCH, ORDER})
_STUDY = Label.STUDY
VERSION = "FacekgVersion"
"""A study as one review update wrote it (its record JSON); outside the graph (no :data:`NODE` label)."""
META = "FacekgMeta"
"""The revision counter node, bumped by every write transaction; outside the graph as well."""
_PROPERTY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def node_label(label: str) -> str:
    return check_label(label)


def edge_type(type_: str) -> str:
    return check_edge_type(type_)


def property_name(name: str) -> str:
    """``name`` when it is a plain identifier (property names come from the mapping, never from users)."""
    if not _PROPERTY_NAME.fullmatch(name):
        raise ValueError(f"not a property name: {name!r}")
    return name


# -- schema -------------------------------------------------------------------
def constraint_name(label: str) -> str:
    return f"facekg_{label.lower()}_key"


def create_key_constraint(label: str) -> str:
    label = NODE if label == NODE else node_label(label)
    return (f"CREATE CONSTRAINT {constraint_name(label)} IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.key IS UNIQUE")


STUDY_LOOKUP_FIELDS = ("doi", "pmid", "id")


def create_study_index(field: str) -> str:
    if field not in STUDY_LOOKUP_FIELDS:
        raise ValueError(f"no index for {_STUDY}.{field}")
    return f"CREATE INDEX facekg_study_{field} IF NOT EXISTS FOR (s:{_STUDY}) ON (s.{field})"


def schema() -> dict[str, str]:
    """Every constraint and index the store needs, by name, as ``CREATE ... IF NOT EXISTS`` statements.

    :data:`NODE`'s key constraint makes keys unique across labels and answers every lookup by key.
    A label's own key constraint is kept only where a statement matches that label by key (studies,
    and the concepts a ``MERGE`` names by label); a study's owned nodes (results, samples) are found
    through the study, so a second unique index on them would only be upkeep on every write.
    """
    statements = {constraint_name(NODE): create_key_constraint(NODE)}
    statements.update({constraint_name(label): create_key_constraint(label)
                       for label in sorted(NODE_LABELS - OWNED_LABELS)})
    statements.update({f"facekg_study_{field}": create_study_index(field) for field in STUDY_LOOKUP_FIELDS})
    statements.update({
        "facekg_study_order": f"CREATE INDEX facekg_study_order IF NOT EXISTS FOR (s:{_STUDY}) ON (s.{ORDER})",
        # TEXT indexes are trigram indexes since Neo4j 5.1: CONTAINS on them is an index lookup, with the
        # exact substring semantics of the embedded store (a Lucene full-text index matches tokens instead).
        "facekg_study_search": (f"CREATE TEXT INDEX facekg_study_search IF NOT EXISTS "
                                f"FOR (s:{_STUDY}) ON (s.{SEARCH})"),
        "facekg_version_key": (f"CREATE CONSTRAINT facekg_version_key IF NOT EXISTS "
                               f"FOR (v:{VERSION}) REQUIRE v.key IS UNIQUE"),
        "facekg_version_update": (f"CREATE INDEX facekg_version_update IF NOT EXISTS "
                                  f"FOR (v:{VERSION}) ON (v.update_id)"),
        "facekg_meta_key": f"CREATE CONSTRAINT facekg_meta_key IF NOT EXISTS FOR (m:{META}) REQUIRE m.key IS UNIQUE",
    })
    return statements


def obsolete_schema() -> dict[str, str]:
    """What earlier versions created and no statement uses, by name, with the statement that drops it.

    Each costs upkeep on every write: the owned labels' key constraints, and a trigram index on every
    node key that no query reads (orphan removal starts from the replaced studies instead).
    """
    drops = {constraint_name(label): f"DROP CONSTRAINT {constraint_name(label)} IF EXISTS"
             for label in sorted(OWNED_LABELS)}
    drops["facekg_node_key_text"] = "DROP INDEX facekg_node_key_text IF EXISTS"
    return drops


SCHEMA_STATE = """
SHOW INDEXES YIELD name, state
WHERE name STARTS WITH 'facekg_'
RETURN name, state
"""

# -- writes ---------------------------------------------------------------------
def merge_nodes(label: str) -> str:
    """Upsert nodes of one label: non-null values overwrite, a null never hides a stored value.

    ``row.props`` holds the non-null properties, ``row.nulls`` the keys given as null;
    a key stays in ``_nulls`` only while the node has no value for it.
    """
    return f"""
UNWIND $rows AS row
MERGE (n:{NODE}:{node_label(label)} {{key: row.key}})
SET n += row.props
WITH n, row, [k IN row.nulls WHERE n[k] IS NULL]
          + [k IN coalesce(n.{NULLS}, []) WHERE n[k] IS NULL AND NOT k IN row.nulls] AS nulls
SET n.{NULLS} = CASE size(nulls) WHEN 0 THEN null ELSE nulls END
"""


def merge_edges(type_: str, *, with_ordinal: bool) -> str:
    """Upsert edges of one type; an edge is identified by its ends, its type and its ordinal.

    The properties are replaced as a whole (``row.props`` already holds ``_nulls``).
    Edges without an ordinal are matched only against edges without one.
    """
    type_ = edge_type(type_)
    head = f"""
UNWIND $rows AS row
MATCH (a:{NODE} {{key: row.source}})
MATCH (b:{NODE} {{key: row.target}})
"""
    if with_ordinal:
        return head + f"""MERGE (a)-[r:{type_} {{ordinal: row.props.ordinal}}]->(b)
SET r = row.props
"""
    return head + f"""OPTIONAL MATCH (a)-[old:{type_}]->(b) WHERE old.ordinal IS NULL
WITH a, b, row, count(old) AS existing
FOREACH (_ IN CASE existing WHEN 0 THEN [1] ELSE [] END | CREATE (a)-[:{type_}]->(b))
WITH a, b, row
MATCH (a)-[r:{type_}]->(b) WHERE r.ordinal IS NULL
SET r = row.props
"""


# A key already stored under another label: the embedded store refuses it, so do we (with its message).
LABEL_CONFLICTS = f"""
UNWIND $rows AS row
MATCH (n:{NODE} {{key: row.key}})
WHERE NOT row.label IN labels(n)
RETURN n.key AS key, [l IN labels(n) WHERE l <> '{NODE}'] AS labels, row.label AS label
LIMIT 1
"""

def create_nodes(label: str) -> str:
    """Nodes of one label that this transaction creates (a study's own subgraph, just removed): no MERGE.

    ``row.props`` is the whole property map, ``key`` and ``_nulls`` included; nothing
    is read, so the statement plans without an ``Eager`` barrier.
    """
    return f"""
UNWIND $rows AS row
CREATE (n:{NODE}:{node_label(label)})
SET n = row.props
"""


def create_edges(type_: str, props: Sequence[str]) -> str:
    """Edges out of nodes created in this same transaction (a study's subgraph): nothing to merge with.

    The property names are spelled out (``props``, all rows of a call share them): a map
    ``SET`` after the key lookups would force an ``Eager`` barrier into the plan.
    """
    values = ", ".join(f"{property_name(p)}: row.props.{p}" for p in props)
    return f"""
UNWIND $rows AS row
MATCH (a:{NODE} {{key: row.source}})
MATCH (b:{NODE} {{key: row.target}})
CREATE (a)-[:{edge_type(type_)} {{{values}}}]->(b)
"""


# The old subgraphs of the studies being written, owned nodes and all, in one statement per batch.
DELETE_SUBGRAPHS = f"""
UNWIND $keys AS k
MATCH (s:{_STUDY} {{key: k}})
CALL (s) {{
  MATCH (s)-->(o)
  WHERE {" OR ".join(f"o:{label}" for label in sorted(OWNED_LABELS))}
  DETACH DELETE o
}}
DETACH DELETE s
"""

MERGE_VERSIONS = f"""
UNWIND $rows AS row
MERGE (v:{VERSION} {{key: row.key}})
SET v.study_id = row.study_id, v.update_id = row.update_id, v.record = row.record
"""

# Every write transaction bumps the counter; the node's write lock also queues concurrent writers.
BUMP_REVISION = f"""
MERGE (m:{META} {{key: 'revision'}})
ON CREATE SET m.generation = $generation, m.counter = 0
SET m.counter = m.counter + 1
"""

RESET_REVISION = f"""
MERGE (m:{META} {{key: 'revision'}})
SET m.generation = $generation, m.counter = 0
"""

MISSING_KEYS = f"""
UNWIND $keys AS k
OPTIONAL MATCH (n:{NODE} {{key: k}})
WITH k, n WHERE n IS NULL
RETURN collect(k) AS missing
"""

# The unmapped concepts the studies about to be replaced point at (through their own facts or
# directly): the only nodes a study write can leave orphaned, so the only ones checked after it.
ORPHAN_CANDIDATES = f"""
UNWIND $keys AS k
MATCH (:{_STUDY} {{key: k}})-[*1..2]->(n:{NODE})
WHERE n.key CONTAINS '{UNMAPPED_KEY_MARK}'
RETURN collect(DISTINCT n.key) AS keys
"""

DROP_ORPHANS_AMONG = f"""
UNWIND $keys AS k
MATCH (n:{NODE} {{key: k}})
WHERE NOT EXISTS {{ ()-->(n) }}
DETACH DELETE n
"""

# Relationships first, then nodes, each in bounded batches: DETACH DELETE of a concept node with
# 100k studies pointing at it would otherwise blow the transaction memory limit.
CLEAR_RELATIONSHIPS_BATCH = """
MATCH ()-[r]->()
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
"""

CLEAR_NODES_BATCH = """
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""

# -- reads ----------------------------------------------------------------------
RETURN_ONE = "RETURN 1 AS one"

_RECORD_FIELDS = """s.key AS key, s.study AS study,
       [(s)-[r]->() WHERE type(r) IN $fact_types | [type(r), r.ordinal, r.fact]] AS facts"""

STUDY_RECORDS = f"""
UNWIND $keys AS k
MATCH (s:{_STUDY} {{key: k}})
RETURN {_RECORD_FIELDS}
"""

# DOI, else PMID, else id, each an index seek, in one round trip with the record itself.
FIND_STUDY = f"""
CALL () {{
  MATCH (s:{_STUDY}) WHERE s.doi = $doi RETURN s, 0 AS rank ORDER BY s.key LIMIT 1
  UNION ALL
  MATCH (s:{_STUDY}) WHERE s.pmid = $pmid RETURN s, 1 AS rank ORDER BY s.key LIMIT 1
  UNION ALL
  MATCH (s:{_STUDY}) WHERE s.id = $id RETURN s, 2 AS rank ORDER BY s.key LIMIT 1
}}
WITH s ORDER BY rank LIMIT 1
RETURN {_RECORD_FIELDS}
"""

STUDY_KEYS_AFTER = f"""
MATCH (s:{_STUDY})
WHERE s.key > $after
RETURN s.key AS key
ORDER BY key
LIMIT $limit
"""

STUDIES_WITHOUT_ORDER = f"""
MATCH (s:{_STUDY}) WHERE s.{ORDER} IS NULL OR s.{SEARCH} IS NULL
RETURN s.key AS key LIMIT $limit
"""

SET_STUDY_LISTING = f"""
UNWIND $rows AS row
MATCH (s:{_STUDY} {{key: row.key}})
SET s.{ORDER} = row.order, s.{SEARCH} = row.search
"""


def study_filter(*, text: bool, conditions: bool, architectures: bool, deep_learning_only: bool,
                 year_from: bool, year_to: bool, include_retracted: bool) -> str:
    """``MATCH`` ... ``WHERE`` binding ``s`` to the studies a query selects, with only the filters it uses.

    Each filter is written only when given, so the planner sees plain predicates it can answer
    from an index: the trigram index for text, the condition nodes' incoming edges for a
    condition set, the listing-order index otherwise.
    """
    where: list[str] = []
    if conditions:
        head = (f"MATCH (c:{Label.CONDITION}) WHERE c.key IN $condition_keys\n"
                f"MATCH (s:{_STUDY})-[:{Edge.ADDRESSES}]->(c)\nWITH DISTINCT s\n")
    elif text:
        head = f"MATCH (s:{_STUDY})\n"
        where.append(f"s.{SEARCH} CONTAINS $text")
    else:
        head = f"MATCH (s:{_STUDY})\n"
        where.append(f"s.{ORDER} >= ''")
    if text and conditions:
        where.append(f"s.{SEARCH} CONTAINS $text")
    if architectures:
        where.append(f"EXISTS {{ MATCH (s)-[:{Edge.USES_ARCHITECTURE}]->(a:{Label.ARCHITECTURE}) "
                     f"WHERE a.key IN $architecture_keys }}")
    if not include_retracted:
        where.append("coalesce(s.retracted, false) = false")
    if deep_learning_only:
        where.append("s.is_deep_learning = true")
    if year_from:
        where.append("s.year >= $year_from")
    if year_to:
        where.append("s.year <= $year_to")
    return head + ("WHERE " + "\n  AND ".join(where) + "\n" if where else "")


def query_page(study_filter_clause: str) -> str:
    """The total and one page of records (in listing order) in one round trip."""
    return f"""
CALL () {{
  {study_filter_clause}
  RETURN count(s) AS total
}}
CALL () {{
  {study_filter_clause}
  WITH s ORDER BY s.{ORDER} SKIP $offset LIMIT $limit
  RETURN collect([s.key, s.study,
                  [(s)-[r]->() WHERE type(r) IN $fact_types | [type(r), r.ordinal, r.fact]]]) AS page
}}
RETURN total, page
"""


REVISION = f"""
OPTIONAL MATCH (m:{META} {{key: 'revision'}})
RETURN m.generation AS generation, m.counter AS counter
"""

VERSIONS_OF_UPDATES = f"""
UNWIND $update_ids AS u
MATCH (v:{VERSION} {{update_id: u}})
RETURN v.study_id AS study_id, v.update_id AS update_id, v.record AS record
"""

REVIEW_UPDATES = f"""
MATCH (u:{NODE}:{Label.REVIEW_UPDATE})
RETURN properties(u) AS props
"""


def count_nodes() -> str:
    """Node counts for every label (the count store answers each part)."""
    parts = [f"MATCH (n:{label}) RETURN '{label}' AS name, count(n) AS count"
             for label in sorted(NODE_LABELS)]
    return "CALL () {\n  " + "\n  UNION ALL\n  ".join(parts) + "\n}\nRETURN name, count"


def count_edges() -> str:
    parts = [f"MATCH ()-[r:{type_}]->() RETURN '{type_}' AS name, count(r) AS count"
             for type_ in sorted(EDGE_TYPES)]
    return "CALL () {\n  " + "\n  UNION ALL\n  ".join(parts) + "\n}\nRETURN name, count"


EXPORT_NODES = f"""
MATCH (n:{NODE})
RETURN n.key AS key, [l IN labels(n) WHERE l <> '{NODE}'] AS labels, properties(n) AS props
"""

EXPORT_EDGES = f"""
MATCH (a:{NODE})-[r]->(b:{NODE})
RETURN a.key AS source, type(r) AS type, b.key AS target, properties(r) AS props
"""
