"""Synthesis from the graph: meta-analysis, subgroup gaps, model vs clinicians, PRISMA flow, narrative tables.

See ``docs/synthesis.md`` for the methods, the rules for what may be pooled, and how each is verified.
"""
