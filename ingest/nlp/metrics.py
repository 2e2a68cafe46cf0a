"""Performance figures: metric name + value + unit + 95% CI, the model's apart from clinicians'.

Works per sentence on the ``METRIC`` entities of the rulers and on the numbers of the
sentence text. Numbers that are never metric values are set aside first: the ``95``
of "95% CI", p-values, ages and years, counts of things ("502 images"), model names
("ResNet-50"), "top 10". Then values are paired with metrics:

1. a value right before a metric: "92.7% accuracy", "95% sensitivity";
2. a coordinated list of metrics followed by as many values:
   "sensitivity, specificity and accuracy were 80%, 54% and 70%",
   "sensitivity and specificity of 88.6% and 91.2%, respectively";
3. each remaining metric takes the next free value with no other metric between:
   "AUC = 0.91", "AUROC of 0.94 (95% CI: 0.90 to 0.97)", "accuracy of 92.7%";
4. a list of values ending in "respectively" with no metric of its own takes the last
   coordinated metric list ("...; 20 dysmorphologists scored 71%, 60% and 78%, respectively");
5. a value after "against/versus/compared with/than/whereas" inherits the metric before it.
Bounds ("at least 94%") and thresholds are not point values and are skipped.

Models: when a sentence names several architectures, each figure is attached to one
(``model``): by position in a "respectively" list ("ResNet-50, VGG-16 and DenseNet-121 reached
AUCs of 0.91, 0.88 and 0.85, respectively"), to the model named right after the value
("91% (ResNet-50)", "0.91 for ResNet-50"), else to the nearest model named before it in the
sentence ("ResNet-50 reached 91% and VGG-16 85%").

Also: ranges over models or folds ("ranged from 81.5% to 88.2%", "between 0.82 and 0.83",
"AUC values of 0.87-0.93")
give both ends, each with the range as printed (``value_text``); a ``± SD`` after a value is
kept as ``sd``; symbols "r =", "ρ =", "κ =" name correlation and kappa figures; "p value < 0.01"
is never a figure.

``top-k``: "top-10 accuracy", "top-5 sensitivity" come from the ontology's synonyms;
"(within|among) the top 10 ... 91%" is matched here. A figure is the clinicians' when
the clause around it names clinicians, dysmorphologists, experts... before any model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from ingest.nlp.architectures import is_generic

if not Doc.has_extension("metrics"):
    Doc.set_extension("metrics", default=[])

# "0.91", ".91" and the decimal comma "0,91" (only after a zero: "80,90" stays two numbers)
_NUM = r"(?:0,\d+(?!\d)|\d+(?:\.\d+)?|\.\d+)"
_CI = re.compile(
    r"\s*[\(\[,;]?\s*(?:(?:95\s*%?\s*(?:CI|confidence interval(?:\s*[\(\[]CI[\)\]])?|C\.I\.)|CI)\s*[:,=]?\s*)?"
    r"[\(\[]?\s*"
    rf"(?P<lo>{_NUM})\s*%?\s*(?:-|–|—|to|,)\s*(?P<hi>{_NUM})\s*%?\s*[\)\]]?",
    re.IGNORECASE,
)
_VALUE = re.compile(rf"(?<![\w.\-–/])(?P<v>{_NUM})(?:\s*(?P<pct>%|percent\b|per cent\b))?(?![\w.]*\d)")
_NOT_VALUE_BEFORE = re.compile(
    r"(?:\b[pP]\s*[<=>≤]\s*$|\b[pP][- ]?values?\s*(?:of\s+|[<=>≤]\s*)$|\btop[- ]?$|\b(?:n|N)\s*=\s*$|"
    r"\b(?:aged?|ages)\s+$|±\s*$|\bSD\s*$|"
    r"\bver(?:sion)?\s*$|\b(?:at least|more than|less than|fewer than|over|above|below|exceed(?:ed|s)?|up to|"
    r"thresholds? of|cut-?offs? of|"
    r"(?<![Ff]1[- ])(?<![Ff][- ])(?<!Dice )scores? of|ranged? from|between|from)\s+$|[<>≤≥]\s*$|"
    r"\b(?:from|between)\s+\d+(?:\.\d+)?\s*%?\s+(?:to|and)\s+$|"
    r"\b(?:thresholds?|cut-?offs?) of\s+\d+(?:\.\d+)?\s*(?:,|and|or)\s+$)"
)
_NOT_VALUE_AFTER = re.compile(
    r"^\s*(?:%?\s*(?:CI|confidence)|years?|yrs?|months?|weeks?|days?|hours?|min|patients|participants|"
    r"subjects|children|individuals|images|photos|photographs|videos|controls|cases|people|syndromes|"
    r"diseases|images|frames|layers|epochs|features|points|landmarks|classes|folds|centres|centers|"
    r"hospitals|sites|countries|raters|clinicians|experts|dysmorphologists|men|women|males|females|"
    r"boys|girls|adults|infants|×|x\s*\d|-fold|D\b|[-\u2010\u2011][A-Za-z])",
    re.IGNORECASE,
)
# "91.0% ± 2.1%", "88.4 (SD 3.0)": the spread is kept, the value is the point figure
_SD = re.compile(
    rf"\s*(?:(?:±|\+/-|\+-)\s*(?P<sd>{_NUM})\s*(?P<sdpct>%)?|"
    rf"\(\s*(?:SD|s\.d\.|standard deviation)\s*[=:,]?\s*(?P<sd2>{_NUM})\s*(?P<sdpct2>%)?\s*\))",
    re.IGNORECASE,
)
# "from 81.5% to 88.2%", "between 0.82 and 0.83", "92.3%-100%": a range over models, folds or groups;
# both ends are figures, and each keeps the range as printed (``value_text``).
_RANGE = re.compile(
    rf"(?<![\w.\-–/])(?:(?P<kw>from|between)\s+)?(?P<lo>{_NUM})\s*(?P<lopct>%)?\s*"
    rf"(?P<sep>to|and|-|–|—)\s*(?P<hi>{_NUM})(?:\s*(?P<hipct>%|percent\b))?(?![\w.]*\d)",
    re.IGNORECASE,
)
# "AUC values of 0.87-0.93", "accuracies of 81-88%": a plural figure word before a bare range says it is one
_PLURAL_BEFORE = re.compile(r"\b(?:values|AUCs|accuracies|sensitivities|specificities|scores)\s+(?:of|were)\s+$")
_ERROR_UNIT = re.compile(r"^\s*(years?|months?|points?|mm|degrees?|bpm)\b", re.IGNORECASE)
_ERROR_METRICS = {"MAE", "RMSE"}
_TOPK_PHRASE = re.compile(r"\b(?:within|among|in) the top[- ](?P<k>\d+|one|five|ten|thirty)\b", re.IGNORECASE)
_WORD_K = {"one": 1, "five": 5, "ten": 10, "thirty": 30}
_CONNECTOR = re.compile(r"^(?:\s*(?:,|and|or|/|&|as well as|,\s*and)\s*)+$", re.IGNORECASE)
_VALUE_LIST_GAP = re.compile(r"^(?:\s*(?:,|and|/|;)\s*)+$", re.IGNORECASE)
_RESPECTIVELY = re.compile(
    r"^[\s,)\]]*(?:(?:for|in|on|with|at|using)\b[^;.\d%]{0,120}?)?,?\s*respectively", re.IGNORECASE)
_COMPARISON = re.compile(
    r"^[\s,;)\]]*(?:(?:on|in|for|at|with)\s+[^;.%\d()]{0,40}?\s+)?(?:and\s+)?"
    r"(?:against|versus|vs\.?|compared (?:with|to)|than|relative to|over|whereas|while|"
    r"close to|similar to|comparable to|outperform(?:ed|ing|s)?|exceed(?:ed|ing|s)?|surpass(?:ed|ing|es)?)\s+"
    r"(?:the performance of\s+|that of\s+|those of\s+)?(?:the\s+)?(?:[\w'’-]+\s+){0,6}?\(?\s*$",
    re.IGNORECASE,
)
# "the AUC of the model on the external test set was 0.87": a metric may sit far from its value
# when only words, no numbers, come between and the stretch ends in a linking verb
_LINK_END = re.compile(r"(?:\b(?:was|were|is|are|of|reached|reaching|achieved|yielded|showed|obtained|attained|"
                       r"gave|had)|[=:])\s*$", re.IGNORECASE)
_LONG_GAP = 160
# "listed as the first prediction for 83.7%", "ranked first in 61%": top-1 without the word
_TOP1_PHRASE = re.compile(
    r"\b(?:(?:listed|ranked|suggested|predicted|placed)\s+(?:as\s+)?(?:the\s+)?(?:first|top)(?:\s+(?:prediction|"
    r"suggestion|match|choice|rank|place))?|first[- ](?:ranked\s+)?(?:prediction|suggestion|match|choice))\b",
    re.IGNORECASE,
)
# "r = 0.88", "Spearman ρ = 0.56": coefficients written as symbols
_SYMBOL_METRIC = re.compile(r"(?<![\w-])(?P<sym>(?:weighted\s+)?κ|r|ρ|rho|R²)(?=\s*=\s*-?(?:0?[.,]\d|1(?:\.0+)?\b))")
_SYMBOL_NAMES = {"κ": "kappa", "weighted κ": "weighted kappa", 
                 "r": "correlation", "ρ": "Spearman correlation", "rho": "Spearman correlation", "R²": "R2"}
_CONTINUATION = re.compile(
    r"^\s*(?:\((?!\s*\d)[^()]{1,40}\)\s*)?(?:(?:for|in|with|on|using|at)\s+[^;.%()]{1,50}?)?"
    r"\s*(?:,|;|and|, and|while|whereas|but)\s*"
    r"(?:(?:the|an?|in|for|with|on)\s+[^;.%\d()]{0,30}?|(?:was|were|is|are|reached|achieved)\s*)?$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[;:]|\b(?:against|versus|vs\.?|compared|whereas|while|than|but|respectively|outperform\w*|surpass\w*|"
    r"exceed\w*)\b", re.IGNORECASE
)
# "agreement with experts": the experts are the reference, not the subject of the figure
_AGREEMENT_WITH = re.compile(
    r"\b(?:agreement|agreed|agrees?|concordance|correlat\w*|consisten\w*|compared|comparison|according)\s+"
    r"(?:with|to|between)\s+"
    r"(?:\w+\s+){0,2}?(?:clinicians?|experts?|physicians?|dysmorphologists?|raters|readers|\w+ologists?)\b'?|"
    # "against the neurologists' ground truth", "matched the experts' level": the clinicians are the reference
    r"\b(?:clinicians?|experts?|physicians?|dysmorphologists?|raters|readers|\w+ologists?)['’]s?\s+"
    r"(?:ground truth|reference(?: standard)?|level|labels?|annotations?|ratings?|consensus|diagnos[ie]s|"
    r"assessments?|scores?)\b",
    re.IGNORECASE,
)
CLINICIAN_WORDS = re.compile(
    r"\b(?:clinicians?|dysmorphologists?|experts?|physicians?|geneticists?|doctors?|human raters?|"
    r"raters|readers|dermatologists?|radiologists?|pediatricians?|paediatricians?|neurologists?|"
    r"endocrinologists?|ophthalmologists?|specialists?|residents|nurses|observers|humans?|paramedics?|"
    r"examiners|assessors|graders)\b(?![-\u2010\u2011])",
    re.IGNORECASE,
)
MODEL_WORDS = re.compile(
    r"\b(?:model|models|network|networks|algorithm|algorithms|system|classifier|CNN|AI|method|approach|"
    r"framework|tool|software|DeepGestalt|GestaltMatcher|Face2Gene|pipeline|we)\b"
)
_PERCENT_METRICS = {"AUC", "MAE", "correlation", "kappa", "weighted kappa", "RMSE", "R2", "ICC",
                    "Pearson r", "Spearman correlation", "hazard ratio", "adjusted R2"}


@dataclass(frozen=True)
class MetricMention:
    """One figure: offsets cover the metric name through the value (or value through name)."""

    name: str
    value: float
    unit: str | None
    ci_low: float | None
    ci_high: float | None
    start: int
    end: int
    text: str
    subject: str = "model"
    sentence: str = ""
    sd: float | None = None
    value_text: str | None = None  # a range as printed ("81.5-88.2"): ``value`` is one of its ends
    model: str | None = None  # the architecture the figure belongs to, when the sentence names several
    model_id: str | None = None


@dataclass
class _Value:
    start: int
    end: int
    value: float
    percent: bool
    ci_low: float | None = None
    ci_high: float | None = None
    used: bool = False
    unit_word: str | None = None  # "4.2 years": only an error metric (MAE, RMSE) may take it
    sd: float | None = None
    high: float | None = None  # the upper end of a range; ``value`` is the lower end
    printed: str | None = None  # a range as printed


def _float(text: str) -> float:
    return float(text.replace(",", "."))


def _range(text: str, m: re.Match[str]) -> _Value | None:
    """A range "from X to Y" / "between X and Y" / "X%-Y%" starting at ``m``, or None."""
    plural = _PLURAL_BEFORE.search(text[max(0, m.start() - 30): m.start()])
    if m.group("kw") is None and not (plural and m.group("sep") in "-–—") and (
            m.group("sep").lower() in ("to", "and") or not (m.group("lopct") and m.group("hipct"))):
        return None  # bare "X to Y" or "0.82-0.83" is too often something else (a CI, a count)
    if m.group("kw") and m.group("kw").lower() == "between" and m.group("sep").lower() != "and":
        return None
    if m.group("kw") and m.group("kw").lower() == "from" and m.group("sep").lower() == "and":
        return None
    before, after = text[max(0, m.start() - 30): m.start()], text[m.end():]
    if _NOT_VALUE_AFTER.match(after) or re.search(r"(?:thresholds?|cut-?offs?|scores?|aged?|ages)\s+$", before,
                                                 re.IGNORECASE):
        return None
    lo, hi = _float(m.group("lo")), _float(m.group("hi"))
    percent = bool(m.group("lopct") or m.group("hipct"))
    if not lo < hi or (hi > 100 and not percent) or hi > 100:
        return None
    start = m.start("lo")
    printed = f"{m.group('lo')}-{m.group('hi')}"
    return _Value(start, m.end(), lo, percent, high=hi, printed=printed)


def _spread(v: _Value, text: str) -> None:
    """Attach a ``± SD`` after the value, widening its span."""
    sd = _SD.match(text, v.end)
    if sd:
        v.sd = _float(sd.group("sd") or sd.group("sd2"))
        v.percent = v.percent or bool(sd.group("sdpct") or sd.group("sdpct2"))
        v.end = sd.end()


def _values(text: str) -> list[_Value]:
    out: list[_Value] = []
    skip_until = -1
    ranges = [r for m in _RANGE.finditer(text) if (r := _range(text, m))]
    out.extend(ranges)
    for m in _VALUE.finditer(text):
        if m.start() < skip_until or any(r.start <= m.start() < r.end for r in ranges):
            continue
        before, after = text[max(0, m.start() - 30): m.start()], text[m.end():]
        unit_word = _ERROR_UNIT.match(after)
        if _NOT_VALUE_BEFORE.search(before) or (_NOT_VALUE_AFTER.match(after) and not unit_word):
            if re.match(r"^\s*%?\s*(?:CI|confidence)", after, re.IGNORECASE):
                # "95% CI 0.70-0.76" with no value before it: skip the interval too
                ci = _CI.match(text, m.start())
                skip_until = ci.end() if ci else m.end()
            continue
        v = _Value(m.start("v"), m.end(), _float(m.group("v")), bool(m.group("pct")),
                   unit_word=unit_word.group(1).lower() if unit_word and not m.group("pct") else None)
        ci = _CI.match(text, m.end())
        if ci and (re.search(r"CI|confidence|[\(\[]", ci.group(0), re.IGNORECASE)):
            lo, hi = _float(ci.group("lo")), _float(ci.group("hi"))
            if lo <= v.value <= hi:
                v.ci_low, v.ci_high = lo, hi
                v.end = ci.end()
                skip_until = ci.end()
        if v.value > 100 and not v.percent:
            continue
        if v.ci_low is None:
            _spread(v, text)
            skip_until = max(skip_until, v.end)
        out.append(v)
    return sorted(out, key=lambda val: val.start)


def _unit(name: str, v: _Value) -> str | None:
    if v.unit_word:
        return v.unit_word
    if v.percent:
        return "%"
    if name in _PERCENT_METRICS:
        return "fraction" if name == "AUC" or v.value <= 1 else None
    return "fraction" if v.value <= 1 else "%"


def _subject(text: str, pos: int) -> str:
    """Clinicians when the clause around ``pos`` names them before (or instead of) the model."""
    breaks = [m for m in _CLAUSE_BREAK.finditer(text)]
    lo = max([m.end() for m in breaks if m.end() <= pos] + [0])
    hi = min([m.start() for m in breaks if m.start() >= pos] + [len(text)])
    clause = _AGREEMENT_WITH.sub(" ", text[lo:hi])
    clin, model = CLINICIAN_WORDS.search(clause), MODEL_WORDS.search(clause)
    if clin and (not model or clin.start() < model.start()):
        return "clinicians"
    return "model"


# "top-1 and top-5 accuracies": a bare "top-1" coordinated with a top-k metric names a top-k metric too
_BARE_TOP_K = re.compile(r"\btop[- ]?(?P<k>\d+)\b(?![- ]?(?:accurac|sensitivit))", re.IGNORECASE)
_TOP_K_NAME = re.compile(r"^top-\d+ accuracy$")
_TOP_K_GAP = re.compile(r"(?:\s*(?:,|and|or|/|&)\s*|\btop[- ]?\d+\b)+", re.IGNORECASE)


def _coordinated_top_k(text: str, ms: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Add the bare "top-J" of "top-J(, top-L) and top-K accuracy" as metrics of their own."""
    out: list[tuple[int, int, str]] = []
    for start, end, name in ms:  # "top-5 accuracies": the metric starts at its "top-5"
        k = re.search(r"\btop[- ]?\d+[- ]?$", text[max(0, start - 8):start], re.IGNORECASE)
        out.append((start - len(k.group(0)) if k and _TOP_K_NAME.match(name) else start, end, name))
    added: list[tuple[int, int, str]] = []
    for m in _BARE_TOP_K.finditer(text):
        if any(a < m.end() and m.start() < b for a, b, _ in out):
            continue
        target = next((x for x in out if x[0] >= m.end()), None)
        if target and _TOP_K_NAME.match(target[2]) and _TOP_K_GAP.fullmatch(text[m.end():target[0]]):
            added.append((m.start(), m.end(), f"top-{m.group('k')} accuracy"))
    return sorted(out + added)


_MODEL_AFTER = re.compile(r"^\s*(?:\(\s*|for\s+|with\s+|using\s+|by\s+|of\s+)(?:the\s+)?$", re.IGNORECASE)


def attach_models(mentions: list[MetricMention], models: list[Span], sent: Span) -> list[MetricMention]:
    """Each figure with the architecture it belongs to, when the sentence names more than one (see module doc)."""
    named = [m for m in models if m.ent_id_ or m.text]
    if len({m.ent_id_ or m.text.lower() for m in named}) < 2 or not mentions:
        return mentions
    text, base = sent.text, sent.start_char
    spans = [(m.start_char - base, m.end_char - base, m) for m in named]
    chosen: dict[int, Span] = {}
    # a coordinated list of models and a "respectively" run of as many figures
    groups: list[list[tuple[int, int, Span]]] = []
    for item in spans:
        if groups and _CONNECTOR.match(text[groups[-1][-1][1]: item[0]]):
            groups[-1].append(item)
        else:
            groups.append([item])
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    respectively = [i for i in order if mentions[i].value_text is None
                    and _RESPECTIVELY.match(text[mentions[order[-1]].end - base:])]
    for group in groups:
        before = [i for i in respectively if mentions[i].start - base > group[-1][1]]
        if len(group) >= 2 and len(before) == len(group):
            chosen.update({i: g[2] for i, g in zip(before, group, strict=True)})
    for i, mention in enumerate(mentions):
        if i in chosen:
            continue
        value_end = mention.end - base
        after = [g for g in spans if g[0] >= value_end and _MODEL_AFTER.match(text[value_end:g[0]])]
        if after:
            chosen[i] = after[0][2]
            continue
        value_start = mention.start - base
        earlier = [g for g in spans if g[1] <= value_start]
        if earlier:
            chosen[i] = earlier[-1][2]
    return [replace(m, model=chosen[i].text, model_id=chosen[i].ent_id_ or None) if i in chosen else m
            for i, m in enumerate(mentions)]


class MetricMatcher:
    """Pairs metric names with values in each sentence (see module doc)."""

    def __init__(self, nlp: Language, name: str, max_gap: int) -> None:
        self.name = name
        self.max_gap = max_gap

    def match(self, doc: Doc) -> list[MetricMention]:
        mentions: list[MetricMention] = []
        by_sentence: dict[int, list[Span]] = {}
        models: dict[int, list[Span]] = {}
        for ent in doc.ents:
            if ent.label_ == "METRIC":
                by_sentence.setdefault(ent.sent.start, []).append(ent)
            elif ent.label_ == "ARCHITECTURE" and not is_generic(ent.ent_id_ or None):
                models.setdefault(ent.sent.start, []).append(ent)
        for sent in doc.sents:
            found = self._sentence(sent, by_sentence.get(sent.start, []))
            mentions.extend(attach_models(found, models.get(sent.start, []), sent))
        return mentions

    def _sentence(self, sent: Span, metrics: list[Span]) -> list[MetricMention]:
        text, base = sent.text, sent.start_char
        values = _values(text)
        names = {self._name(e, text, base) for e in metrics}
        if not names & _ERROR_METRICS:
            values = [v for v in values if v.unit_word is None]
        if not values:
            return []
        ms = [(e.start_char - base, e.end_char - base, self._name(e, text, base)) for e in metrics]
        for sym in _SYMBOL_METRIC.finditer(text):
            if not any(a < sym.end() and sym.start() < b for a, b, _ in ms):
                ms.append((sym.start(), sym.end(), _SYMBOL_NAMES[re.sub(r"\s+", " ", sym.group("sym"))]))
        ms.sort()
        ms = _coordinated_top_k(text, ms)
        pairs: list[tuple[tuple[int, int, str], _Value]] = []
        paired_metrics: set[int] = set()
        detached: set[int] = set()  # values whose metric name is far away (step 4)
        value_first: set[int] = set()  # "0.967 accuracy": no continuation values after it
        # 1. value right before its metric
        for v in values:
            for i, m in enumerate(ms):
                if i not in paired_metrics and 0 <= m[0] - v.end <= 2 and text[v.end:m[0]].strip() == "":
                    pairs.append((m, v))
                    v.used = True
                    paired_metrics.add(i)
                    value_first.add(id(v))
                    break
        # 2. coordinated metric lists followed by as many values
        groups = self._groups(text, ms)
        for group in groups:
            if len(group) < 2 or any(i in paired_metrics for i in group):
                continue
            after = [v for v in values if not v.used and v.start > ms[group[-1]][1]]
            run = self._value_run(text, after)
            nxt = [j for j in range(len(ms)) if ms[j][0] > ms[group[-1]][1]]
            if len(run) == len(group) and (not nxt or run[-1].end <= ms[nxt[0]][0]):
                for i, v in zip(group, run, strict=True):
                    pairs.append((ms[i], v))
                    v.used = True
                    paired_metrics.add(i)
        # top-k phrases without a metric name
        phrases = [(tk, _WORD_K.get(tk.group("k").lower()) or int(tk.group("k"))) for tk in _TOPK_PHRASE.finditer(text)]
        phrases += [(tk, 1) for tk in _TOP1_PHRASE.finditer(text)]
        for tk, k_int in sorted(phrases, key=lambda p: p[0].start()):
            for v in values:
                if not v.used and v.percent and abs(v.start - tk.end()) <= self.max_gap:
                    pairs.append(((tk.start(), tk.end(), f"top-{k_int} accuracy"), v))
                    v.used = True
                    break
        # 3. metric then the next free value, no other metric between
        for i, m in enumerate(ms):
            if i in paired_metrics:
                continue
            limit = ms[i + 1][0] if i + 1 < len(ms) else len(text)
            for v in values:
                if not v.used and m[1] <= v.start < limit and self._near(text, m[1], v.start):
                    pairs.append((m, v))
                    v.used = True
                    paired_metrics.add(i)
                    break
        # 4. "respectively" value lists reuse the last coordinated metric list
        multi = [g for g in groups if len(g) >= 2]
        free = [v for v in values if not v.used]
        while free:
            run = self._value_run(text, free)
            tail = text[run[-1].end:] if run else ""
            if len(run) >= 2 and _RESPECTIVELY.match(tail):
                before = [i for i in range(len(ms)) if ms[i][1] < run[0].start]
                matching = [g for g in multi if len(g) == len(run) and ms[g[-1]][1] < run[0].start]
                target = matching[-1] if matching else before[-len(run):]
                if len(target) == len(run):
                    for i, v in zip(target, run, strict=True):
                        pairs.append((ms[i], v))
                        v.used = True
                        detached.add(id(v))
                elif before and run[0].start - ms[before[-1]][1] <= _LONG_GAP * 2:
                    # "accuracies for A, B and C of 0.92, 0.96 and 0.93, respectively": one metric, many groups
                    for v in run:
                        pairs.append((ms[before[-1]], v))
                        v.used = True
                        detached.add(id(v))
            free = [v for v in free if not v.used and (not run or v.start > run[-1].end)]
            if not run:
                break
        # 5. comparator values inherit the metric
        for m, v in list(pairs):
            for w in values:
                gap_start = max(v.end, m[1])
                if not w.used and w.start > gap_start and _COMPARISON.match(text[gap_start:w.start]):
                    pairs.append((m, w))
                    w.used = True
                    break
        # 6. "AUROC was 0.73 for A, 0.55 for B and 0.86 for C": continuation values
        for m, v in sorted(pairs, key=lambda mv: mv[1].start):
            if id(v) in value_first:
                continue
            last = v
            for w in values:
                gap_start = max(last.end, m[1]) if last is v else last.end
                if w.used or w.start <= gap_start:
                    continue
                between = [x for x in ms if gap_start <= x[0] < w.start]
                if between or not _CONTINUATION.match(text[gap_start:w.start]):
                    break
                pairs.append((m, w))
                w.used = True
                last = w
        out = []
        seen: set[tuple[str, float, str]] = set()
        for (m_start, m_end, name), v in sorted(pairs, key=lambda mv: mv[1].start):
            start, end = min(m_start, v.start), max(m_end, v.end)
            if id(v) in detached or end - start > self.max_gap + 20:
                start, end = v.start, v.end  # far from its name (a "respectively" list): the value alone
            subject = _subject(text, v.start)
            if (name, v.value, subject) in seen:
                continue  # the same figure repeated ("... for 91% of images (top-10 accuracy of 91%)")
            seen.add((name, v.value, subject))
            ends = [v.value] if v.high is None else [v.value, v.high]
            for value in ends:
                out.append(MetricMention(
                    name=name, value=value, unit=_unit(name, v), ci_low=v.ci_low, ci_high=v.ci_high,
                    start=base + start, end=base + end, text=text[start:end], subject=subject,
                    sentence=text, sd=v.sd, value_text=v.printed,
                ))
        return sorted(out, key=lambda mm: (mm.start, mm.end, mm.value))

    def _near(self, text: str, metric_end: int, value_start: int) -> bool:
        """A value close enough after its metric: within ``max_gap``, or words only up to a linking verb."""
        gap = value_start - metric_end
        if gap <= self.max_gap:
            return True
        between = text[metric_end:value_start]
        return gap <= _LONG_GAP and not re.search(r"[\d;%]", between) and bool(_LINK_END.search(between))

    @staticmethod
    def _name(ent: Span, text: str, base: int) -> str:
        name = ent.ent_id_ or ent.text
        before = text[max(0, ent.start_char - base - 8): ent.start_char - base]
        k = re.search(r"\btop[- ]?(\d+)[- ]?$", before, re.IGNORECASE)
        if k and name in {"accuracy", "sensitivity"}:
            return f"top-{k.group(1)} accuracy"
        return name

    @staticmethod
    def _groups(text: str, ms: list[tuple[int, int, str]]) -> list[list[int]]:
        groups: list[list[int]] = []
        for i in range(len(ms)):
            if groups and _CONNECTOR.match(text[ms[i - 1][1]: ms[i][0]]):
                groups[-1].append(i)
            else:
                groups.append([i])
        return groups

    @staticmethod
    def _value_run(text: str, values: list[_Value]) -> list[_Value]:
        """The first values in order joined only by commas/and: "80%, 54% and 70%"."""
        if not values:
            return []
        run = [values[0]]
        for v in values[1:]:
            if _VALUE_LIST_GAP.match(text[run[-1].end: v.start]):
                run.append(v)
            else:
                break
        return run

    def set_annotations(self, doc: Doc, matches: list[MetricMention]) -> None:
        doc._.metrics = matches

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory("facekg_metrics", assigns=["doc._.metrics"], requires=["doc.ents", "token.is_sent_start"],
                  default_config={"max_gap": 60})
def make_metric_matcher(nlp: Language, name: str, max_gap: int) -> MetricMatcher:
    return MetricMatcher(nlp, name, max_gap)
