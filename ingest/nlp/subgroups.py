"""Performance reported per subgroup: "accuracy was 92% in men and 85% in women".

Works per sentence on plain text. A figure counts as a subgroup result only when
the text contrasts at least two groups of its attribute (men and women,
Fitzpatrick V-VI and I-II, East Asian and European, two age bands), in the same
sentence or elsewhere in the abstract: one group alone ("in a Chinese cohort")
is the study's sample, not a breakdown. Each figure is paired with its group by
position:

- ``VALUE [CI] in|for|among GROUP`` ("0.81 for Fitzpatrick V-VI");
- ``GROUP [(n = N)] ... was|of|: VALUE`` ("in women, accuracy was 85%");
- a clause opened by its group, "In men, ... an AUROC of 0.74 and ... 0.64"
  (up to "whereas", "while", "but" or ";");
- "VALUE and VALUE in GROUP and GROUP, respectively" (zipped in order).

A range "0.82 to 0.83" keeps its low end as ``value`` and the range as
``value_text``.

and takes the nearest metric name before it in the sentence (or right after it,
"92% accuracy"). Attributes are the demographic ones of :mod:`facekg.records`:
``sex``, ``race_ethnicity`` (ancestry or ethnicity), ``skin_tone`` (scale
``Fitzpatrick`` or ``Monk`` where named) and ``age`` (scale ``years``/``months``
for a numeric band). A statement that performance did not differ by an
attribute ("did not differ by sex (p = 0.4)") is kept as a ``no-difference``
mention with its p value and no figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

from facekg.records import (
    DemographicAttributeName,
    DemographicReport,
    Evidence,
    Fact,
    MetricResult,
    Provenance,
    StudyFlag,
    Subgroup,
)
from ingest.nlp.spans import doc_text

MentionKind = Literal["result", "no-difference"]


@dataclass(frozen=True)
class SubgroupMention:
    """One subgroup figure (or a no-difference statement) with its evidence offsets into the text."""

    kind: MentionKind
    attribute: str
    group: str | None
    scale: str | None
    metric: str | None
    value: float | None
    value_text: str | None
    unit: str | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    p_value: float | None
    text: str
    start: int
    end: int
    sentence: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Group:
    attribute: str
    value: str
    scale: str | None
    start: int
    end: int
    n: int | None = None


@dataclass(frozen=True)
class _Figure:
    value: float
    value_text: str | None  # "0.82-0.83" for a range; ``value`` is its low end
    percent: bool
    ci_low: float | None
    ci_high: float | None
    start: int
    end: int  # after the interval when there is one


_NUM = r"\d+(?:\.\d+)?|\.\d+"
_ROMAN = r"(?:VI|IV|V|III|II|I)"
_ROMAN_RANGE = rf"{_ROMAN}(?:\s*(?:-|–|to|and|/)\s*{_ROMAN})?"
_PEOPLE = (r"(?:participants|patients|individuals|subjects|people|persons|children|adults|faces|images|cases|"
           r"cohorts?|groups?)")

_SEX = re.compile(r"\b(?:(?P<f>women|females?|girls)|(?P<m>men|males?|boys))\b", re.IGNORECASE)
_FITZPATRICK = re.compile(
    rf"\bFitzpatrick(?:\s+(?:skin\s+)?(?:photo)?(?:types?|scale|groups?))?\s*(?P<r>{_ROMAN_RANGE})\b")
_BARE_ROMAN = re.compile(rf"(?<![\w-])(?:(?:skin\s+)?(?:photo)?types?\s+)?(?P<r>{_ROMAN_RANGE})(?![\w-])")
_MONK = re.compile(r"\bMonk(?:\s+skin\s+tone)?(?:\s+scale)?(?:\s+(?:tones?|levels?))?\s*(?P<r>\d+(?:\s*[-–]\s*\d+)?)\b",
                   re.IGNORECASE)
_SKIN_WORDS = re.compile(r"\b(?P<w>darker|lighter|dark|light|fair|brown|black|white)[- ]skin(?:ned)?"
                         r"(?:\s+(?:tones?|types?|colou?rs?))?", re.IGNORECASE)
_ANCESTRY = re.compile(
    r"\b(?P<w>East Asian|South Asian|Southeast Asian|African[- ]American|Middle Eastern|Han Chinese|Native American|"
    r"Latin American|Asian|European|Caucasian|African|Black|White|Hispanic|Latino|Latina|Latinx|Arab|Chinese|"
    r"Japanese|Korean|Indian|Indigenous)s?\b(?:\s+(?:ancestry|descent|origin|ethnicity))?")
_AGE_BAND = re.compile(
    r"(?:\b(?:(?:children|adults|infants|patients|participants|individuals|those)\s+)?"
    r"(?:aged?|age[sd]?\s+(?:group|band)|ages)\s+)?(?P<band>(?:<|>|≤|≥|<=|>=|under|over|below|above|older than|"
    r"younger than)\s*\d+|\d+\s*(?:-|–|to)\s*\d+)\s*(?P<unit>years?|yrs?|months?)\b(?:\s+(?:old|of age))?",
    re.IGNORECASE)
_AGE_WORDS = re.compile(r"\b(?P<w>children|adults|infants|adolescents|elderly|older adults|paediatric|pediatric)\b",
                        re.IGNORECASE)
_AGE_STEMS = ("child", "adult", "infant", "adolesc", "elderly", "diatric")
_N_AFTER = re.compile(rf"\s*(?:{_PEOPLE}\s*)?\(\s*[nN]\s*=\s*(?P<n>\d[\d,]*)\s*\)")

_FIGURE = re.compile(
    rf"(?<![\w.\-–/])(?P<v>{_NUM})(?:\s*(?P<pct>%|percent\b))?(?:\s*(?:to|-|–)\s*(?P<v2>{_NUM})(?:\s*(?P<pct2>%))?)?"
    rf"(?:\s*\(\s*(?:95\s*%\s*(?:CI|confidence interval)\s*[:,=]?\s*)?(?P<lo>{_NUM})\s*%?\s*(?:-|–|to|,)\s*"
    rf"(?P<hi>{_NUM})\s*%?\s*\))?(?![\w.]*\d)")
_NOT_FIGURE_BEFORE = re.compile(r"(?:\b[pP]\s*(?:[<=>≤]|<=)\s*|\b[nN]\s*=\s*|\btop[- ]?|\bFitzpatrick\s+|"
                                r"\bMonk\s+|\b(?:aged?|ages)\s+|[<>≤≥]\s*)$")
_METRIC_WORDS = (r"balanced accurac(?:y|ies)|top-1 accurac(?:y|ies)|accurac(?:y|ies)|sensitivit(?:y|ies)|"
                 r"specificit(?:y|ies)|recall|precision|"
                 r"F1(?:[- ]score)?|AUROCs?|AUCs?|ROC AUC|"
                 r"area under the (?:ROC |receiver operating characteristic )?curve|"
                 r"positive predictive value|negative predictive value|PPV|NPV|error rate")
_METRIC = re.compile(rf"\b(?P<m>{_METRIC_WORDS})\b", re.IGNORECASE)
_METRIC_NAMES = {"auroc": "AUC", "auc": "AUC", "aurocs": "AUC", "aucs": "AUC", "roc auc": "AUC", "ppv": "PPV",
                 "npv": "NPV",
                 "positive predictive value": "PPV", "negative predictive value": "NPV", "f1": "F1",
                 "f1-score": "F1", "f1 score": "F1"}
_FRACTION_ONLY = {"AUC"}
_AFTER_GAP = re.compile(rf"^\s*[),]?\s*(?:in|for|among|on|of|within)\s+(?:the\s+)?(?:(?:sub)?groups?\s+(?:of\s+)?)?"
                        rf"(?:{_PEOPLE}\s+(?:of|with)\s+)?$", re.IGNORECASE)
_BEFORE_GAP = re.compile(
    rf"^\s*(?:{_PEOPLE}\s*)?(?:\(\s*[nN]\s*=\s*\d[\d,]*\s*\)\s*)?[,:]?\s*(?:(?:the|a|an|its|it|they|model'?s?|"
    rf"(?:{_METRIC_WORDS}))\s*)*(?:was|were|is|are|of|reached|achieved|yielded|showed|had|=|:)?\s*"
    rf"(?:an?\s+)?(?:{_METRIC_WORDS})?\s*(?:of|was|were|=|:)?\s*$", re.IGNORECASE)
_NO_DIFFERENCE = re.compile(
    r"\b(?:(?:did|does|do)\s+not|didn't|doesn't)\s+(?:significantly\s+|statistically\s+)?(?:differ|vary)\w*|"
    r"\bno\s+(?:statistically\s+)?(?:significant\s+)?(?:differences?|variation|disparit(?:y|ies))\b|"
    r"\b(?:comparable|similar|consistent)\b", re.IGNORECASE)
_BY_ATTRIBUTE = re.compile(
    r"[^.;]{0,60}?\b(?:by|between|across|among|with respect to|in terms of|regardless of)\s+(?:the\s+)?"
    r"(?:patients'?\s+|participants'?\s+)?(?P<a>sex|gender|age(?:\s+(?:groups?|bands?))?|ethnicity|ethnic groups?|"
    r"race|racial groups?|ancestry|ancestr(?:al|ies)(?:\s+groups?)?|skin (?:tones?|types?|colou?rs?)|"
    r"Fitzpatrick (?:skin )?(?:types?|groups?))\b", re.IGNORECASE)
_P_VALUE = re.compile(rf"\b[pP]\s*(?:[=<>≤]|<=)\s*(?P<p>{_NUM})")
_LEADING_BEFORE = re.compile(r"(?:^|[;,:]|\b(?:whereas|while|but|and))\s*(?:in|among|for)\s+(?:the\s+)?$",
                             re.IGNORECASE)
_CLAUSE_TURN = re.compile(r";|\b(?:whereas|while|but)\b", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?:[^.!?]|[.!?](?=\d))+(?:[.!?]|$)")


def _attribute_word(word: str) -> str:
    word = word.casefold()
    if word.startswith(("sex", "gender")):
        return "sex"
    if word.startswith("age"):
        return "age"
    if word.startswith(("skin", "fitzpatrick")):
        return "skin_tone"
    return "race_ethnicity"


def _roman(text: str) -> str:
    return re.sub(r"\s*(?:-|–|to|and|/)\s*", "-", text.strip())


def _groups(sentence: str) -> list[_Group]:
    """Every group named in the sentence, earliest first, overlaps resolved to the longer (more specific) one."""
    found: list[_Group] = []
    for m in _SEX.finditer(sentence):
        found.append(_Group("sex", "female" if m.group("f") else "male", None, m.start(), m.end()))
    fitzpatrick = list(_FITZPATRICK.finditer(sentence))
    for m in fitzpatrick:
        found.append(_Group("skin_tone", _roman(m.group("r")), "Fitzpatrick", m.start(), m.end()))
    if fitzpatrick:  # "... for Fitzpatrick V-VI versus 0.93 for I-II": the scale is named once
        for m in _BARE_ROMAN.finditer(sentence, fitzpatrick[0].start()):
            found.append(_Group("skin_tone", _roman(m.group("r")), "Fitzpatrick", m.start(), m.end()))
    for m in _MONK.finditer(sentence):
        found.append(_Group("skin_tone", re.sub(r"\s+", "", m.group("r")), "Monk", m.start(), m.end()))
    for m in _SKIN_WORDS.finditer(sentence):
        found.append(_Group("skin_tone", f"{m.group('w').casefold()} skin", None, m.start(), m.end()))
    for m in _ANCESTRY.finditer(sentence):
        found.append(_Group("race_ethnicity", re.sub(r"\s+", " ", m.group("w")), None, m.start(), m.end()))
    lowered = sentence.casefold()
    bands = _AGE_BAND.finditer(sentence) if "year" in lowered or "month" in lowered or "yr" in lowered else ()
    for m in bands:
        unit = "months" if m.group("unit").casefold().startswith("month") else "years"
        band = re.sub(r"\s*(?:-|–|to)\s*", "-", m.group("band").strip())
        band = re.sub(r"^(?:under|below|younger than)\s*", "<", band, flags=re.IGNORECASE)
        band = re.sub(r"^(?:over|above|older than)\s*", ">", band, flags=re.IGNORECASE)
        band = re.sub(r"\s+", "", band)
        found.append(_Group("age", f"{band} {unit}", unit, m.start(), m.end()))
    words = _AGE_WORDS.finditer(sentence) if any(w in lowered for w in _AGE_STEMS) else ()
    for m in words:
        word = m.group("w").casefold()
        found.append(_Group("age", "children" if word in ("paediatric", "pediatric") else word, None,
                            m.start(), m.end()))
    found.sort(key=lambda g: (g.start, -(g.end - g.start)))
    kept: list[_Group] = []
    for group in found:
        if kept and group.start < kept[-1].end:
            continue
        n = _N_AFTER.match(sentence, group.end)
        kept.append(_Group(group.attribute, group.value, group.scale, group.start,
                           n.end() if n else group.end, int(n.group("n").replace(",", "")) if n else None)
                    if n else group)
    return kept


def _figures(sentence: str, groups: list[_Group]) -> list[_Figure]:
    figures = []
    for m in _FIGURE.finditer(sentence):
        if _NOT_FIGURE_BEFORE.search(sentence[max(0, m.start() - 16):m.start()]):
            continue
        if any(g.start <= m.start() < g.end for g in groups):
            continue  # the "5" of "aged 2-5 years", the n of "(n = 120)"
        after = sentence[m.end():m.end() + 30]
        if re.match(r"^\s*(?:[-–]\s*\d|years?|months?|yrs?)", after, re.IGNORECASE):
            continue
        if any(g.start == m.end() + (len(after) - len(after.lstrip())) for g in groups):
            continue  # "120 women": a count, not a figure
        value = float(m.group("v"))
        if value > 100 or (not m.group("pct") and value > 1 and "." not in m.group("v") and value.is_integer()
                           and value >= 1000):
            continue
        lo, hi, top = m.group("lo"), m.group("hi"), m.group("v2")
        figures.append(_Figure(value, f"{m.group('v')}-{top}" if top else None,
                               bool(m.group("pct") or m.group("pct2")), float(lo) if lo else None,
                               float(hi) if hi else None, m.start(), m.end()))
    return figures


def _metric_for(sentence: str, figure: _Figure) -> str | None:
    right = _METRIC.match(sentence, figure.end + len(sentence[figure.end:]) - len(sentence[figure.end:].lstrip()))
    if right:
        return _metric_name(right.group("m"))
    before = [m for m in _METRIC.finditer(sentence, 0, figure.start)]
    return _metric_name(before[-1].group("m")) if before else None


def _metric_name(text: str) -> str:
    key = text.casefold()
    if key.startswith("area under"):
        return "AUC"
    key = re.sub(r"ies$", "y", key)
    return _METRIC_NAMES.get(key, key)


def _unit(metric: str, figure: _Figure) -> str | None:
    if figure.percent:
        return "%"
    if figure.value <= 1:
        return "fraction"
    return None if metric in _FRACTION_ONLY else "%"


def contrasted_attributes(groups: Iterable[_Group]) -> set[str]:
    """The attributes with at least two distinct groups among ``groups``."""
    values: dict[str, set[str]] = {}
    for group in groups:
        values.setdefault(group.attribute, set()).add(group.value)
    return {attribute for attribute, named in values.items() if len(named) >= 2}


def _leads(sentence: str, group: _Group) -> bool:
    """ "In women, ..." / "whereas among boys (n = 40), ...": the group opens a clause its figures follow."""
    opens = _LEADING_BEFORE.search(sentence[:group.start])
    return bool(opens and sentence[group.end:group.end + 2].lstrip()[:1] == ",")


def _pairs(sentence: str, groups: list[_Group], figures: list[_Figure],
           contrasted: set[str] | None = None) -> list[tuple[_Figure, _Group]]:
    """Figures paired with the group each is reported for."""
    contrasted = contrasted_attributes(groups) if contrasted is None else contrasted
    groups = [g for g in groups if g.attribute in contrasted]
    if not groups or not figures:
        return []
    if _RESPECTIVELY.search(sentence):
        if len({_metric_name(m.group("m")) for m in _METRIC.finditer(sentence)}) > 1:
            return []  # "sensitivity and specificity were 88% and 75% in women and men, respectively": ambiguous
        for attribute in contrasted:
            named = [g for g in groups if g.attribute == attribute]
            before = [f for f in figures if f.end <= named[0].start]
            after = [f for f in figures if f.start >= named[-1].end]  # "for Caucasian, African ... of 0.92, 0.96"
            for side in (before, after):
                if len(named) >= 2 and len(side) == len(named):
                    return list(zip(side, named, strict=True))
    pairs: list[tuple[_Figure, _Group]] = []
    used: set[int] = set()
    for figure in figures:
        following = next((g for g in groups if g.start >= figure.end), None)
        if following and id(following) not in used and _AFTER_GAP.match(sentence[figure.end:following.start]):
            pairs.append((figure, following))
            used.add(id(following))
            continue
        preceding = next((g for g in reversed(groups) if g.end <= figure.start), None)
        if preceding and id(preceding) not in used and _BEFORE_GAP.match(sentence[preceding.end:figure.start]):
            pairs.append((figure, preceding))
            used.add(id(preceding))
        elif preceding and _leads(sentence, preceding) and not _CLAUSE_TURN.search(
                sentence[preceding.end:figure.start]) and (not pairs or pairs[-1][1] is preceding or
                                                           id(preceding) not in used):
            pairs.append((figure, preceding))  # every figure of the clause "In men, ... 0.74 and ... 0.64"
            used.add(id(preceding))
    return pairs


def _no_difference(sentence: str, offset: int) -> list[SubgroupMention]:
    mentions = []
    for cue in _NO_DIFFERENCE.finditer(sentence):
        by = _BY_ATTRIBUTE.match(sentence, cue.end())
        if by is None:
            continue
        p = _P_VALUE.search(sentence, by.end())
        end = p.end() if p and p.start() - by.end() < 40 else by.end()
        end += 1 if sentence[end:end + 1] == ")" and "(" in sentence[cue.start():end] else 0
        mentions.append(SubgroupMention(
            kind="no-difference", attribute=_attribute_word(by.group("a")), group=None, scale=None,
            metric=None, value=None, value_text=None, unit=None, ci_low=None, ci_high=None, n=None,
            p_value=float(p.group("p")) if p and end >= p.end() else None,
            text=sentence[cue.start():end], start=offset + cue.start(), end=offset + end, sentence=sentence.strip()))
    return mentions


def sentence_mentions(sentence: str, offset: int = 0, contrasted: set[str] | None = None,
                      groups: list[_Group] | None = None) -> list[SubgroupMention]:
    """The subgroup results and no-difference statements of one sentence (offsets shifted by ``offset``).

    ``contrasted`` are the attributes whose groups the whole text contrasts (by default, the sentence's own);
    ``groups`` the sentence's groups when the caller has them already."""
    groups = _groups(sentence) if groups is None else groups
    contrasted = contrasted_attributes(groups) if contrasted is None else contrasted
    mentions: list[SubgroupMention] = []
    named = any(g.attribute in contrasted for g in groups)
    for figure, group in _pairs(sentence, groups, _figures(sentence, groups) if named else [], contrasted):
        metric = _metric_for(sentence, figure)
        if metric is None:
            continue
        start, end = min(figure.start, group.start), max(figure.end, group.end)
        mentions.append(SubgroupMention(
            kind="result", attribute=group.attribute, group=group.value, scale=group.scale, metric=metric,
            value=figure.value, value_text=figure.value_text, unit=_unit(metric, figure), ci_low=figure.ci_low,
            ci_high=figure.ci_high,
            n=group.n, p_value=None, text=sentence[start:end], start=offset + start, end=offset + end,
            sentence=sentence.strip()))
    return mentions + _no_difference(sentence, offset)


def subgroup_mentions(text: str, sentences: Iterable[tuple[int, int]] | None = None) -> list[SubgroupMention]:
    """Every subgroup mention in ``text``, sentence by sentence (spaCy's sentence bounds when given)."""
    bounds = list(sentences) if sentences is not None else [
        (m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]
    groups = [_groups(text[start:end]) for start, end in bounds]
    contrasted = contrasted_attributes(g for named in groups for g in named)
    return [mention for (start, end), named in zip(bounds, groups, strict=True)
            for mention in sentence_mentions(text[start:end], start, contrasted, named)]


def doc_subgroups(doc: Any) -> list[dict[str, Any]]:
    """The `facekg extract` contract's ``subgroup_results`` for a processed spaCy doc."""
    return [m.as_dict() for m in subgroup_mentions(doc_text(doc), [(s.start_char, s.end_char) for s in doc.sents])]


def _provenance(mention: Mapping[str, Any], version: str) -> Provenance:
    evidence = Evidence(text=mention["text"], start=int(mention["start"]), end=int(mention["end"]),
                        sentence=mention.get("sentence"))
    return Provenance(source="extracted", evidence=evidence, extractor_version=version)


def _overlaps(fact: Fact, mention: Mapping[str, Any]) -> bool:
    evidence = fact.provenance.evidence
    return evidence is not None and evidence.start < int(mention["end"]) and int(mention["start"]) < evidence.end


def add_subgroup_facts(facts: dict[str, list[Fact]], mentions: Iterable[Mapping[str, Any]], *, version: str) -> None:
    """Put the contract's ``subgroup_results`` into the study's fact lists (in place).

    A result becomes a :class:`MetricResult` with its :class:`Subgroup` (its
    group size as ``denominator``) and replaces the plain metric read from the
    same figure, which is not the whole sample's. Every attribute with a
    subgroup mention (a figure or a no-difference statement) is marked
    ``subgroup_performance`` on its demographic report, and the study flag
    ``subgroup_performance`` is set.
    """
    mentions = list(mentions)
    if not mentions:
        return
    for mention in mentions:
        if mention["kind"] != "result":
            continue
        same_figure = [m for m in facts["metrics"] if isinstance(m, MetricResult) and m.subgroup is None
                       and m.value == mention["value"] and _overlaps(m, mention)]
        facts["metrics"] = [m for m in facts["metrics"] if m not in same_figure]
        result = MetricResult(
            metric=mention["metric"], value=mention["value"], value_text=mention.get("value_text"),
            unit=mention["unit"], ci_low=mention["ci_low"],
            ci_high=mention["ci_high"], denominator=mention["n"],
            subgroup=Subgroup(attribute=cast(DemographicAttributeName, mention["attribute"]), value=mention["group"],
                              scale=mention["scale"]),
            provenance=_provenance(mention, version))
        if all(existing.identity() != result.identity() for existing in facts["metrics"]):
            facts["metrics"].append(result)
    for attribute in dict.fromkeys(m["attribute"] for m in mentions):
        first = next(m for m in mentions if m["attribute"] == attribute)
        report = next((d for d in facts["demographics"]
                       if isinstance(d, DemographicReport) and d.attribute == attribute), None)
        if report is None:
            facts["demographics"].append(DemographicReport(
                attribute=cast(DemographicAttributeName, attribute), reported=True, subgroup_performance=True,
                provenance=_provenance(first, version)))
        else:
            report.subgroup_performance = True
    if not any(isinstance(f, StudyFlag) and f.name == "subgroup_performance" for f in facts["flags"]):
        facts["flags"].append(StudyFlag(name="subgroup_performance", value=True,
                                        provenance=_provenance(mentions[0], version)))
