"""The fixed vocabularies of the library: categories, levels, lifecycle stages and owner roles.

The JSON Schema repeats these as enums so that editors can autocomplete them; a test keeps the
two in step. Titles and descriptions here feed the generated pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Term:
    id: str
    title: str
    description: str


def _terms(*rows: tuple[str, str, str]) -> dict[str, Term]:
    return {row[0]: Term(id=row[0], title=row[1], description=row[2]) for row in rows}


CATEGORIES = _terms(
    ("foundations", "Foundations",
     "What a product manager needs to understand about generative models to make sound product decisions."),
    ("strategy", "Strategy",
     "Whether generative AI fits the problem, the value it must create, and how the product wins and pays for itself."),
    ("ethics", "Ethics safeguards",
     "Bias, harmful content, misuse, privacy, intellectual property, transparency and human oversight."),
    ("feasibility", "Feasibility",
     "Whether the feature can meet its quality, latency, cost and security bar, and when it is ready to launch."),
    ("value", "Delivering value",
     "Interfaces, onboarding, feedback and measurement that turn model output into value for users."),
    ("operations", "Operations",
     "Monitoring, iteration, incidents, updates and retirement once the feature is live."),
)

LEVELS = _terms(
    ("must", "Must", "A launch blocker: the feature does not ship until this is done."),
    ("should", "Should", "Expected practice: skip it only with a recorded reason."),
    ("could", "Could", "Good practice that pays off; do it when it fits."),
)

STAGES = _terms(
    ("discover", "Discover", "Understanding the problem, the users and whether generative AI fits."),
    ("define", "Define", "Setting the scope, success measures, requirements and guardrails."),
    ("build", "Build", "Building the prompts, data, retrieval, model integration and interface."),
    ("validate", "Validate", "Evaluating quality, safety, security and cost before launch."),
    ("launch", "Launch", "The launch decision, rollout, disclosure and support readiness."),
    ("operate", "Operate", "Monitoring, feedback, updates, incidents and retirement after launch."),
)

ROLES = _terms(
    ("product-manager", "Product manager", "Owns the problem, the outcome and the launch decision."),
    ("design", "Design and research", "User research, interaction design and content design."),
    ("engineering", "Engineering", "Application, platform and infrastructure engineering."),
    ("ml-engineering", "ML engineering and data science",
     "Model choice, prompts, retrieval, fine-tuning and evaluation."),
    ("data-governance", "Data governance", "Data sourcing, lineage, quality, retention and access."),
    ("security", "Security", "Application security, threat modelling and abuse of the system."),
    ("privacy", "Privacy", "Personal data, consent, data protection impact assessments."),
    ("legal", "Legal and compliance", "Regulation, contracts, intellectual property and liability."),
    ("trust-safety", "Trust and safety", "Content policy, abuse, red-teaming and user harm."),
    ("support", "Support and operations", "Customer support, incident handling and service operations."),
    ("finance", "Finance", "Budgets, unit economics and pricing."),
    ("leadership", "Leadership", "Executive sponsor: strategy, risk appetite and accountability."),
)


# Names the site gives its own pages, files and element ids (render.py and the templates). Data may
# not take them, or one page or element would replace another: a playbook `index` would replace its
# category's page, an item `checklist` would share its element id with the checklist heading. The
# ids an item's checkbox and details derive from its id use '--', which no id can hold. A test
# builds the site and checks that every page's element ids are unique.
RESERVED_PLAYBOOK_IDS = {
    "index": "its category's own page",
    "checklist": "the checklist heading of its page",
    "sources": "the sources heading of its page",
    "pack-all": "the PDF of all playbooks",
    **{f"pack-{c}": f"the PDF of all {term.title} playbooks" for c, term in CATEGORIES.items()},
}
RESERVED_ITEM_IDS = {"checklist": "the checklist heading of the playbook page",
                     "sources": "the sources heading of the playbook page"}
FRAMEWORK_PAGE_ANCHORS = {"coverage": "the coverage heading", "entries": "the entries heading"}
RESERVED_FRAMEWORK_IDS = {"index": "the crosswalk overview page",
                          "framework-crosswalk": "the heading of the crosswalk overview page",
                          **{anchor: f"{what} of its page" for anchor, what in FRAMEWORK_PAGE_ANCHORS.items()}}
RESERVED_REVIEW_IDS = {"index": "the page that lists the reviews",
                       "reviews": "the heading of the page that lists the reviews"}


def entry_anchor(entry_id: str) -> str:
    """HTML id of a framework entry on its crosswalk page: 'GOVERN 1.1' -> 'govern-1-1'."""
    return "-".join(re.findall(r"[a-z0-9]+", entry_id.lower())) or "entry"
