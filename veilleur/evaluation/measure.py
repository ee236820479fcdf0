"""Measuring the detectors: probe every case of a labelled corpus with the real browser, compare
each finding with its label, and score each check.

How a check is scored. Each check has a negative status, `absent` (the thing is not there); every
other status is a positive claim: `franceconnect`, `franceconnect_plus`, `present`, `totalement`,
`partiellement`, `non`, `measured`, and also `unknown` (a claim that the probe could not look).
Over the cases that label the check:

- precision = cases found with a positive status that is the labelled one
              / cases found with any positive status
- recall    = cases labelled with a positive status and found with that status
              / cases labelled with any positive status

So a FranceConnect+ button reported as plain FranceConnect costs both precision and recall; an
`absent` where the label says `unknown` costs recall (the probe claimed an absence it could not
see); an `unknown` where the label says `absent` costs precision. Each is undefined (shown "—",
and never below a threshold) when its denominator is zero. The same two figures are also given
per status, one status against the rest.

Pages that are not the service (`not_the_service` labels: `waf`, `maintenance`…, or `none` for a
page that is the service) are scored the same way, as one more line named `not_the_service`: the
class found is that of the first visited page the probe recognised as not the service (its
`error_class`), `none` when every page was the service; `none` is its negative status.

Labelled fields (`demarche_id`, `phones`, `rate`…) are compared only when the status is right (a
wrong status is already counted): numbers within 0.05, lists as sets, a URL label starting with
"/" against the path (and query) of the URL found, anything else for equality. Their share of
matches is the check's field accuracy.
"""

from __future__ import annotations

import asyncio
import math
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Callable
from urllib.parse import urlsplit

from checks import finding_types, run_checks
from checks.models import Finding
from foundation import formatting, vocabulary
from probes import interruption
from probes.models import ServiceCapture
from probes.settings import ProbeSettings
from veilleur.evaluation.corpus import NOT_THE_SERVICE, PAGE_CLASSES, SERVICE, Case, Corpus, Expectation, serve_corpus

NEGATIVE = "absent"
NUMBER_TOLERANCE = 0.05


def positive_statuses(check: str) -> tuple[str, ...]:
    return tuple(s for s in finding_types()[check].statuses if s != NEGATIVE)


@dataclass(frozen=True)
class FieldMismatch:
    name: str
    expected: Any
    found: Any


@dataclass(frozen=True)
class Judgement:
    """One labelled check of one case: what was expected, what the probe found."""

    case: str
    check: str
    expected: str
    found: str
    reason: str | None
    fields_checked: int = 0
    mismatches: tuple[FieldMismatch, ...] = ()

    @property
    def status_right(self) -> bool:
        return self.expected == self.found

    @property
    def right(self) -> bool:
        return self.status_right and not self.mismatches


@dataclass(frozen=True)
class StatusScore:
    status: str
    precision: float | None
    recall: float | None
    labelled: int
    found: int


@dataclass(frozen=True)
class CheckScore:
    check: str
    cases: int
    precision: float | None
    recall: float | None
    statuses: tuple[str, ...]
    confusion: dict[str, dict[str, int]]  # expected → found → cases
    per_status: tuple[StatusScore, ...]
    fields_checked: int
    fields_matched: int

    @property
    def field_accuracy(self) -> float | None:
        return self.fields_matched / self.fields_checked if self.fields_checked else None


@dataclass(frozen=True)
class Thresholds:
    precision: float = 0.97
    recall: float = 0.97
    field_accuracy: float = 0.97


@dataclass
class Evaluation:
    corpus: str
    judgements: list[Judgement]
    scores: dict[str, CheckScore]
    thresholds: Thresholds
    case_pages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def failures(self) -> list[str]:
        """Why the evaluation fails its thresholds, one phrase per figure below them, in French
        (« franceconnect : précision 0,500 < 0,97 »)."""
        out = []
        for score in self.scores.values():
            for name, value, minimum in (("précision", score.precision, self.thresholds.precision),
                                         ("rappel", score.recall, self.thresholds.recall),
                                         ("champs exacts", score.field_accuracy, self.thresholds.field_accuracy)):
                if value is not None and value < minimum:
                    out.append(f"{score.check} : {name} {_figure(value)} < {_threshold(minimum)}")
        return out

    @property
    def passed(self) -> bool:
        return not self.failures()

    def mistakes(self) -> list[Judgement]:
        return [j for j in self.judgements if not j.right]


# ---------------------------------------------------------------------------------------------
# Comparing a finding with its label


def _same(expected: Any, found: Any) -> bool:
    if isinstance(expected, bool) or expected is None or isinstance(found, bool):
        return expected == found
    if isinstance(expected, (int, float)) and isinstance(found, (int, float)):
        return math.isclose(float(expected), float(found), abs_tol=NUMBER_TOLERANCE)
    if isinstance(expected, list) and isinstance(found, list):
        return {_hashable(e) for e in expected} == {_hashable(f) for f in found}
    if isinstance(expected, str) and isinstance(found, str) and expected.startswith("/") and "://" in found:
        parts = urlsplit(found)
        return expected == parts.path + (f"?{parts.query}" if parts.query else "")
    return expected == found


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, (dict, list)) else value


def judge(case: str, check: str, expectation: Expectation, finding: Finding) -> Judgement:
    mismatches: list[FieldMismatch] = []
    if finding.status == expectation.status:
        details = finding.details()
        for name, expected in expectation.fields.items():
            if not _same(expected, details.get(name)):
                mismatches.append(FieldMismatch(name, expected, details.get(name)))
    return Judgement(case, check, expectation.status, finding.status, finding.reason,
                     fields_checked=len(expectation.fields) if finding.status == expectation.status else 0,
                     mismatches=tuple(mismatches))


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def score_check(check: str, judgements: list[Judgement]) -> CheckScore:
    """Confusion table, precision and recall of one check (see the module docstring)."""
    if check == NOT_THE_SERVICE:
        statuses, negative = PAGE_CLASSES, SERVICE
    else:
        statuses, negative = finding_types()[check].statuses, NEGATIVE
    mine = [j for j in judgements if j.check == check]
    confusion = {e: {f: 0 for f in statuses} for e in statuses}
    for j in mine:
        confusion[j.expected][j.found] += 1
    positives = {s for s in statuses if s != negative}
    claimed = [j for j in mine if j.found in positives]
    labelled = [j for j in mine if j.expected in positives]
    per_status = tuple(
        StatusScore(
            status=s,
            precision=_ratio(sum(j.found == s and j.expected == s for j in mine), sum(j.found == s for j in mine)),
            recall=_ratio(sum(j.found == s and j.expected == s for j in mine), sum(j.expected == s for j in mine)),
            labelled=sum(j.expected == s for j in mine),
            found=sum(j.found == s for j in mine),
        )
        for s in statuses
    )
    return CheckScore(
        check=check,
        cases=len(mine),
        precision=_ratio(sum(j.status_right for j in claimed), len(claimed)),
        recall=_ratio(sum(j.status_right for j in labelled), len(labelled)),
        statuses=statuses,
        confusion=confusion,
        per_status=per_status,
        fields_checked=sum(j.fields_checked for j in mine),
        fields_matched=sum(j.fields_checked - len(j.mismatches) for j in mine),
    )


def page_class(capture: ServiceCapture) -> tuple[str, str | None]:
    """What the probe recognised a page of the service as instead of the service (the first such
    page), with its reason; ("none", None) when every visited page was the service."""
    for page in capture.pages:
        if page.error_class in interruption.KINDS:
            return page.error_class, f"{vocabulary.the_page(page.kind)} {urlsplit(page.url).path} : {page.error}"
    return SERVICE, None


def evaluate(corpus_name: str, cases: list[Case], findings: dict[str, dict[str, Finding]],
             thresholds: Thresholds, classes: dict[str, tuple[str, str | None]] | None = None) -> Evaluation:
    """Judge every labelled check of every case against its findings, and score each check;
    `classes` (case → page class found, reason) is judged against the `not_the_service` labels."""
    judgements = [judge(case.name, check, expectation, findings[case.name][check])
                  for case in cases for check, expectation in case.expected.items()]
    for case in cases:
        if case.page_class is not None:
            found, reason = (classes or {}).get(case.name, (SERVICE, None))
            judgements.append(Judgement(case.name, NOT_THE_SERVICE, case.page_class, found, reason))
    checks = [c for c in [*finding_types(), NOT_THE_SERVICE] if any(j.check == c for j in judgements)]
    return Evaluation(corpus_name, judgements, {c: score_check(c, judgements) for c in checks}, thresholds)


# ---------------------------------------------------------------------------------------------
# Probing the corpus


async def _probe_all(urls: dict[str, str], settings: ProbeSettings,
                     progress: Callable[[str, ServiceCapture], None]) -> dict[str, ServiceCapture]:
    from probes.browser import BrowserPool
    from probes.service import probe_service

    async with BrowserPool(settings) as pool:
        async def one(name: str, url: str) -> tuple[str, ServiceCapture]:
            capture = await probe_service(pool, url)
            progress(name, capture)
            return name, capture

        return dict(await asyncio.gather(*(one(n, u) for n, u in urls.items())))


def _stderr_progress(total: int) -> Callable[[str, ServiceCapture], None]:
    done = [0]

    def report(name: str, capture: ServiceCapture) -> None:
        done[0] += 1
        state = "visite réussie" if capture.ok else vocabulary.error_class(capture.error_class)
        pages = vocabulary.count(len(capture.pages), "page visitée", "pages visitées")
        print(f"  [{done[0]}/{total}] {name} : {pages}, {state}", file=sys.stderr, flush=True)

    return report


def run_evaluation(corpus: Corpus, settings: ProbeSettings, thresholds: Thresholds,
                   progress: Callable[[str, ServiceCapture], None] | None = None) -> Evaluation:
    """Serve the corpus on loopback, probe each case with the real browser, run the checks, judge."""
    if getattr(settings, "host_delay_s", 0):
        # Each case is our own server on its own port: pausing between its pages, as the probe
        # does out of politeness towards real sites, would only slow the measure down.
        settings = replace(settings, host_delay_s=0.0)
    with serve_corpus(corpus) as served:
        captures = asyncio.run(_probe_all(served.urls, settings, progress or _stderr_progress(len(served.urls))))
    findings = {name: run_checks(capture) for name, capture in captures.items()}
    classes = {name: page_class(capture) for name, capture in captures.items()}
    evaluation = evaluate(str(corpus.root), corpus.cases, findings, thresholds, classes)
    evaluation.case_pages = {
        name: [{"kind": p.kind, "path": urlsplit(p.url).path, "http_status": p.http_status, "ok": p.ok}
               for p in capture.pages]
        for name, capture in captures.items()
    }
    return evaluation


# ---------------------------------------------------------------------------------------------
# Output


def _figure(value: float | None) -> str:
    """A precision, recall or share of exact fields: `0,987`, `1,000`; "—" when undefined."""
    return "—" if value is None else formatting.ratio(value)


def _threshold(value: float) -> str:
    """A threshold as it was given: `0,97`, `1`."""
    return formatting.number(value, 6)


def _value(name: str, value: Any) -> str:
    """A labelled or found field value, as the vocabulary writes a finding's figures."""
    return "rien" if value is None else vocabulary.detail_value(name, value)


# The head of the confusion table's first column: labelled statuses down, found statuses across.
TABLE_HEAD = "étiqueté \\ trouvé"


def render_text(evaluation: Evaluation) -> str:
    """Per check: the confusion table (labelled × found), precision, recall; then the mistakes.
    In French; check ids, statuses and field names stay as labels.json writes them."""
    cases = len({j.case for j in evaluation.judgements})
    lines = [f"Corpus {evaluation.corpus} : {vocabulary.count(cases, 'cas', 'cas')}, "
             f"{vocabulary.count(len(evaluation.judgements), 'contrôle étiqueté', 'contrôles étiquetés')}", ""]
    for score in evaluation.scores.values():
        fields = (f" · champs exacts {vocabulary.integer(score.fields_matched)}/"
                  f"{vocabulary.integer(score.fields_checked)}" if score.fields_checked else "")
        lines.append(f"{score.check} — {vocabulary.count(score.cases, 'cas', 'cas')} · précision "
                     f"{_figure(score.precision)} · rappel {_figure(score.recall)}{fields}")
        used = [s for s in score.statuses
                if any(score.confusion[s].values()) or any(score.confusion[e][s] for e in score.statuses)]
        width = max(len(TABLE_HEAD), *(len(s) for s in used))
        lines.append("  " + TABLE_HEAD.ljust(width) + "".join(f"  {s:>{max(len(s), 3)}}" for s in used))
        for expected in used:
            row = "".join(f"  {vocabulary.integer(score.confusion[expected][found]):>{max(len(found), 3)}}"
                          for found in used)
            lines.append("  " + expected.ljust(width) + row)
        per = [f"{s.status} P {_figure(s.precision)} R {_figure(s.recall)}" for s in score.per_status
               if s.labelled or s.found]
        lines.append("  par statut : " + " · ".join(per))
        lines.append("")
    mistakes = evaluation.mistakes()
    lines.append(f"Mal classés : {vocabulary.integer(len(mistakes))}")
    for j in mistakes:
        if not j.status_right:
            lines.append(f"  {j.case}  {j.check} : étiqueté {j.expected}, trouvé {j.found}"
                         + (f" — {j.reason}" if j.reason else ""))
        for m in j.mismatches:
            lines.append(f"  {j.case}  {j.check}.{m.name} : étiqueté {_value(m.name, m.expected)}, "
                         f"trouvé {_value(m.name, m.found)}")
    lines.append("")
    failures = evaluation.failures()
    t = evaluation.thresholds
    lines.append(f"RÉUSSI (précision ≥ {_threshold(t.precision)}, rappel ≥ {_threshold(t.recall)}, champs exacts ≥ "
                 f"{_threshold(t.field_accuracy)} pour chaque contrôle)" if not failures
                 else "ÉCHEC : " + " ; ".join(failures))
    return "\n".join(lines)


def render_json(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "corpus": evaluation.corpus,
        "cases": len({j.case for j in evaluation.judgements}),
        "thresholds": vars(evaluation.thresholds),
        "passed": evaluation.passed,
        "failures": evaluation.failures(),
        "checks": {
            s.check: {
                "cases": s.cases, "precision": s.precision, "recall": s.recall,
                "field_accuracy": s.field_accuracy, "fields_checked": s.fields_checked,
                "fields_matched": s.fields_matched, "confusion": s.confusion,
                "per_status": {p.status: {"precision": p.precision, "recall": p.recall, "labelled": p.labelled,
                                          "found": p.found} for p in s.per_status},
            }
            for s in evaluation.scores.values()
        },
        "misclassified": [
            {"case": j.case, "check": j.check, "expected": j.expected, "found": j.found, "reason": j.reason,
             "fields": [{"field": m.name, "expected": m.expected, "found": m.found} for m in j.mismatches],
             "pages": evaluation.case_pages.get(j.case, [])}
            for j in evaluation.mistakes()
        ],
    }
