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
RESERVED_PROPS = frozenset({KEY, NULLS})
_STUDY = Label.STUDY


def node_label(label: str) -> str:
    return check_label(label)


def edge_type(type_: str) -> str:
    return check_edge_type(type_)


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


# Orphan removal looks for UNMAPPED_KEY_MARK inside keys; a text index answers CONTAINS.
CREATE_KEY_TEXT_INDEX = f"CREATE TEXT INDEX facekg_node_key_text IF NOT EXISTS FOR (n:{NODE}) ON (n.key)"

COUNT_SCHEMA = """
SHOW INDEXES YIELD name, state
WHERE name STARTS WITH 'facekg_' AND state = 'ONLINE'
RETURN count(*) AS online
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

def create_edges(type_: str) -> str:
    """Edges out of nodes created in this same transaction (a study's subgraph): nothing to merge with."""
    return f"""
UNWIND $rows AS row
MATCH (a:{NODE} {{key: row.source}})
MATCH (b:{NODE} {{key: row.target}})
CREATE (a)-[r:{edge_type(type_)}]->(b)
SET r = row.props
"""


DELETE_OWNED = f"""
UNWIND $keys AS k
MATCH (:{_STUDY} {{key: k}})-->(o)
WHERE {" OR ".join(f"o:{label}" for label in sorted(OWNED_LABELS))}
DETACH DELETE o
"""

DELETE_STUDIES = f"""
UNWIND $keys AS k
MATCH (s:{_STUDY} {{key: k}})
DETACH DELETE s
"""

MISSING_KEYS = f"""
UNWIND $keys AS k
OPTIONAL MATCH (n:{NODE} {{key: k}})
WITH k, n WHERE n IS NULL
RETURN collect(k) AS missing
"""

DROP_ORPHAN_CONCEPTS = f"""
MATCH (n:{NODE})
WHERE n.key CONTAINS '{UNMAPPED_KEY_MARK}' AND NOT EXISTS {{ ()-->(n) }}
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

STUDY_RECORDS = f"""
UNWIND $keys AS k
MATCH (s:{_STUDY} {{key: k}})
RETURN s.key AS key, s.study AS study,
       [(s)-[r]->() WHERE type(r) IN $fact_types | [type(r), r.ordinal, r.fact]] AS facts
"""


def find_study(field: str) -> str:
    if field not in STUDY_LOOKUP_FIELDS:
        raise ValueError(f"cannot look studies up by {field!r}")
    return f"""
MATCH (s:{_STUDY})
WHERE s.{field} = $value
RETURN s.key AS key
ORDER BY key
LIMIT 1
"""


STUDY_KEYS_AFTER = f"""
MATCH (s:{_STUDY})
WHERE s.key > $after
RETURN s.key AS key
ORDER BY key
LIMIT $limit
"""

_STUDY_FILTER = f"""
MATCH (s:{_STUDY})
WHERE ($include_retracted OR coalesce(s.retracted, false) = false)
  AND (NOT $deep_learning_only OR s.is_deep_learning = true)
  AND ($year_from IS NULL OR s.year >= $year_from)
  AND ($year_to IS NULL OR s.year <= $year_to)
  AND ($condition_keys IS NULL OR EXISTS {{
        MATCH (s)-[:{Edge.ADDRESSES}]->(c:{Label.CONDITION}) WHERE c.key IN $condition_keys }})
  AND ($architecture_keys IS NULL OR EXISTS {{
        MATCH (s)-[:{Edge.USES_ARCHITECTURE}]->(a:{Label.ARCHITECTURE}) WHERE a.key IN $architecture_keys }})
WITH s ORDER BY coalesce(s.year, 0) DESC, s.id ASC
"""

# The page and the total in one round trip; the order is the embedded store's.
QUERY_PAGE = _STUDY_FILTER + """
WITH collect(s.key) AS keys
RETURN size(keys) AS total, keys[$offset..($offset + $limit)] AS page
"""

# With a text filter, Python does the matching (str.casefold, as the embedded store does).
QUERY_TEXT_CANDIDATES = _STUDY_FILTER + """
RETURN s.key AS key, s.title AS title, s.abstract AS abstract
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
