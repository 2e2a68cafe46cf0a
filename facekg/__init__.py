"""facekg: a living-review knowledge graph of deep-learning facial image analysis in medicine."""

__version__ = "0.1.0"
