"""The library, a plan and a review in OSCAL, NIST's Open Security Controls Assessment Language.

* `catalog(library)`: the library as a catalog: a group per category, a group per playbook inside
  it, a control per item, with level, owner, stage and when it applies as properties, the item's
  sentence as its statement, why as guidance, how as its assessment method, and framework
  references as links.
* `profile(library, answers)`: a product's plan as a profile that selects its checks from the
  catalog, with the product's answers as properties.
* `assessment_results(review, library)`: a review as assessment results: a finding per check with
  its status, evidence as observations, accepted risks as risks.

Each document is built as OSCAL JSON data and then read into compliance-trestle's typed models
(`trestle.oscal`), which check every field and pattern of the OSCAL schema; what is written is the
model's own serialisation. Identifiers are stable: a control's id is `<playbook-id>.<item-id>`, and
every UUID is derived from the content's ids (version 5), so the same input gives the same output.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from . import __version__, markup
from . import plan as planning
from . import review as reviews
from .model import Item, Library, Playbook
from .vocab import CATEGORIES, LEVELS, STAGES

NS = "https://genai-product-playbook.github.io/ns/oscal"  # the namespace of this project's properties
_ROOT = uuid.UUID("0d4f3c52-6a52-5c1e-9a55-5d7a0c1f6b3e")  # namespace of every UUID this module derives

# How a review's status reads in OSCAL: the finding's target state and implementation status.
FINDING = {
    "done": ("satisfied", "implemented"),
    "open": ("not-satisfied", "planned"),
    "not-applicable": ("satisfied", "not-applicable"),
    "risk-accepted": ("not-satisfied", "alternative"),
}


class OscalUnavailable(RuntimeError):
    """compliance-trestle is not installed."""


def _models() -> Any:
    try:
        from trestle.oscal import OSCAL_VERSION, assessment_results, catalog, profile
    except ImportError as error:  # pragma: no cover - it is a dependency of the package
        raise OscalUnavailable("OSCAL output needs compliance-trestle (pip install compliance-trestle)") from error
    return OSCAL_VERSION, catalog, profile, assessment_results


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "/".join(parts)))


def control_id(item: Item) -> str:
    """`<playbook-id>.<item-id>`: an OSCAL token (a global id's slash is not allowed in one)."""
    return f"{item.playbook_id}.{item.id}"


def _moment(day: str | None) -> str:
    """A date as the OSCAL timestamp of its start, in UTC."""
    date = dt.date.fromisoformat(day) if day else dt.date(2026, 1, 1)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).isoformat()


def _prop(name: str, value: str, **extra: str) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": " ".join(value.split()), **extra}


def _props(*props: dict[str, str]) -> dict[str, Any]:
    """`{"props": [...]}` for the props that have a value, or nothing: OSCAL lists are never empty."""
    kept = [p for p in props if p["value"]]
    return {"props": kept} if kept else {}


def _plain(text: str, fallback: str) -> str:
    """Text for an OSCAL title or prose: Markdown markers removed, on one line, never empty (a text
    of markers only, such as '***', keeps its characters; nothing at all falls back)."""
    return markup.plain(text) or " ".join(text.split()) or fallback


def _metadata(title: str, day: str | None, version: str, oscal_version: str, **more: Any) -> dict[str, Any]:
    return {"title": title, "last-modified": _moment(day), "version": version, "oscal-version": oscal_version, **more}


def _last_reviewed(library: Library) -> str | None:
    days = [p.last_reviewed for p in library.playbooks if p.last_reviewed]
    return max(days) if days else None


# -- the catalog ------------------------------------------------------------------------------------


def _control(item: Item, playbook: Playbook, library: Library, frameworks: dict[str, Any]) -> dict[str, Any]:
    cid = control_id(item)
    when = planning.condition(item, playbook)
    props = [_prop("level", item.level)] if item.level else []
    props += [_prop("owner", item.owner)] if item.owner else []
    props += [_prop("stage", item.stage)] if item.stage else []
    props.append(_prop("applies-when", planning.describe(when, library)))
    title = _plain(item.text, item.global_id)
    parts = [{"id": f"{cid}_smt", "name": "statement", "prose": title}]
    if item.why:
        parts.append({"id": f"{cid}_gdn", "name": "guidance", "prose": _plain(item.why, title)})
    if item.how:
        parts.append({"id": f"{cid}_asm", "name": "assessment-method", "prose": _plain(item.how, title)})
    links = []
    for ref in item.refs:
        framework = frameworks[ref.framework]
        entry = framework.entry(ref.entry)
        links.append({"href": framework.url, "rel": "reference",
                      "text": f"{framework.name} {ref.entry}" + (f": {entry.title}" if entry else "")})
    control: dict[str, Any] = {"id": cid, "class": "check", "title": title, **_props(*props), "parts": parts}
    if links:
        control["links"] = links
    return control


def catalog(library: Library) -> dict[str, Any]:
    oscal_version, catalog, _, _ = _models()
    frameworks = {f.id: f for f in library.frameworks}
    groups = []
    for category, playbooks in library.by_category().items():
        if not playbooks:
            continue
        groups.append({
            "id": category, "class": "category", "title": CATEGORIES[category].title,
            "parts": [{"id": f"{category}_ovw", "name": "overview", "prose": CATEGORIES[category].description}],
            "groups": [{
                "id": playbook.id, "class": "playbook", "title": _plain(playbook.title, playbook.id),
                "parts": [{"id": f"{playbook.id}_ovw", "name": "overview",
                           "prose": _plain(playbook.summary, _plain(playbook.title, playbook.id))}],
                "controls": [_control(item, playbook, library, frameworks) for item in playbook.items],
            } for playbook in sorted(playbooks, key=lambda p: p.id)],
        })
    data = {"uuid": _uuid("catalog", __version__),
            "metadata": _metadata("GenAI product playbook", _last_reviewed(library), __version__, oscal_version,
                                  **_props(_prop("levels", ", ".join(LEVELS)), _prop("stages", ", ".join(STAGES)))),
            "groups": groups}
    return {"catalog": catalog.Catalog.model_validate(data)}


# -- a plan as a profile ----------------------------------------------------------------------------------


def profile(library: Library, answers: planning.Answers, *, catalog_href: str = "catalog.json",
                 product: str = "") -> dict[str, Any]:
    oscal_version, _, profile, _ = _models()
    chosen = planning.entries(library, answers)
    props = _props(*(_prop("answer", answer, **{"class": trait}) for trait, answer in answers.values))
    data = {"uuid": _uuid("profile", __version__, *(f"{t}={a}" for t, a in answers.values)),
            "metadata": _metadata(f"Review plan{': ' + product if product else ''}", _last_reviewed(library),
                                  __version__, oscal_version, **props,
                                  remarks=f"{len(chosen)} checks apply; "
                                          f"{sum(1 for e in chosen if e.open)} depend on answers that are not sure "
                                          "or not answered."),
            "imports": [{"href": catalog_href,
                         "include-controls": [{"with-ids": [control_id(e.item) for e in chosen]}]}],
            "merge": {"as-is": True}}
    return {"profile": profile.Profile.model_validate(data)}


# -- a review as assessment results ------------------------------------------------------------------------


def _finding(entry: reviews.Entry, item: Item, review: reviews.Review, risks: list[dict[str, Any]],
             observations: list[dict[str, Any]]) -> dict[str, Any]:
    cid = control_id(item)
    state, implementation = FINDING[entry.status]
    props = [_prop("status", entry.status)]
    if entry.owner or item.owner:
        props.append(_prop("owner", entry.owner or item.owner))  # type: ignore[arg-type]
    if entry.due:
        props.append(_prop("due", str(entry.due)))
    text = _plain(item.text, item.global_id)
    finding: dict[str, Any] = {
        "uuid": _uuid("finding", review.id, cid), "title": text,
        "description": f"{reviews.STATUS_TITLES[entry.status]}: {text}", **_props(*props),
        "target": {"type": "statement-id", "target-id": f"{cid}_smt",
                   "status": {"state": state, **({"remarks": entry.reason} if entry.reason else {})},
                   "implementation-status": {"state": implementation}},
    }
    remarks = [x for x in (entry.note, f"Accepted by {entry.accepted_by}" if entry.accepted_by else None) if x]
    if remarks:
        finding["remarks"] = "\n\n".join(remarks)
    if entry.evidence:
        observation = {
            "uuid": _uuid("observation", review.id, cid), "title": f"Evidence: {text}",
            "description": "Evidence the reviewers recorded for this check.", "methods": ["EXAMINE"],
            "collected": _moment(str(entry.done_on or review.updated or review.created)),
            "relevant-evidence": [{"href": e.url, "description": e.title} for e in entry.evidence]}
        observations.append(observation)
        finding["related-observations"] = [{"observation-uuid": observation["uuid"]}]
    if entry.status == "risk-accepted":
        accepted = f"Accepted by {entry.accepted_by}" + (f" on {entry.accepted_on}" if entry.accepted_on else "") + "."
        risk = {"uuid": _uuid("risk", review.id, cid), "title": f"Accepted: {text}",
                "description": entry.reason or "", "statement": f"{entry.reason or ''} {accepted}".strip(),
                "status": "risk-accepted", "props": [_prop("accepted-by", entry.accepted_by or "unknown")]}
        risks.append(risk)
        finding["related-risks"] = [{"risk-uuid": risk["uuid"]}]
    return finding


def assessment_results(review: reviews.Review, library: Library, *, href: str | None = None) -> dict[str, Any]:
    oscal_version, _, _, assessment_results = _models()
    findings: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    observations: list[dict[str, Any]] = []
    controls = []
    for entry in review.entries:
        item = library.item(entry.current) if entry.current else None
        if item is None:
            continue  # no longer in the library: `playbook review status` reports it
        controls.append({"control-id": control_id(item)})
        findings.append(_finding(entry, item, review, risks, observations))
    answers = _props(*(_prop("answer", answer, **{"class": trait}) for trait, answer in review.answers))
    result: dict[str, Any] = {
        "uuid": _uuid("result", review.id), "title": f"Review of {review.product}",
        "description": review.description or f"The launch review of {review.product} against the GenAI product "
                                             "playbook.",
        "start": _moment(str(review.created)), **answers,
        "reviewed-controls": {"control-selections": [{"include-controls": controls} if controls else
                                                     {"include-all": {}}]},
        "findings": findings or None, "observations": observations or None, "risks": risks or None}
    if review.updated:
        result["end"] = _moment(str(review.updated))
    result = {k: v for k, v in result.items() if v is not None}
    parties = [{"uuid": _uuid("party", review.id, name), "type": "person", "name": name,
                **_props(_prop("role", role or ""))} for name, role in review.reviewers]
    metadata = _metadata(f"Review of {review.product}", str(review.updated or review.created),
                         review.library_version or __version__, oscal_version,
                         **({"parties": parties} if parties else {}))
    data = {"uuid": _uuid("assessment-results", review.id), "metadata": metadata,
            "import-ap": {"href": href or f"{reviews.REVIEWS_DIR}/{review.id}.yaml",
                          "remarks": "The review file is the assessment plan: it lists the checks that apply to "
                                     "the product and who reviews them."},
            "results": [result]}
    return {"assessment-results": assessment_results.AssessmentResults.model_validate(data)}


# -- writing ---------------------------------------------------------------------------------------------------


def to_json(document: dict[str, Any]) -> str:
    """A document from one of the functions above, as OSCAL JSON (the typed model's serialisation)."""
    (model,) = document.values()
    text = model.oscal_serialize_json(pretty=True)
    return text if text.endswith("\n") else text + "\n"
