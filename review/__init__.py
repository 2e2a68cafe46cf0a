"""The review itself: what reviewers decide, written once above the stores (phase 1: pure domain code).

- :mod:`review.models`      strict models: reviewers, screening decisions, consensus, extraction forms,
                            risk-of-bias assessments, corrections
- :mod:`review.screening`   a study's screening status and the rule for what an analysis counts
- :mod:`review.blind`       blind mode: what a reviewer may see of the others' entries
- :mod:`review.access`      who may write what (own entries, admins resolve, consensus once both submitted)
- :mod:`review.agreement`   percent agreement and Cohen's kappa with its 95% CI, per stage and per field
- :mod:`review.extraction`  forms pre-filled from the machine, consensus forms merged into graph facts
- :mod:`review.rob`         risk-of-bias tools as data (``review/tools/*.json``), checks and summaries
- :mod:`review.rob_plots`   traffic-light and summary bar pictures
- :mod:`review.prioritise`  the active-learning screening order and its stopping signal
- :mod:`review.keys`        API keys: generated, hashed, verified
- :mod:`review.corrections` corrections as training data (JSON lines, spaCy DocBin)
"""
