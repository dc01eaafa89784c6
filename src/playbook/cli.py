"""The `playbook` command: validate, export, create, compare and maintain playbooks.

This module parses arguments and dispatches; each command's work lives in its own module
(`validate`, `export`, `diff`, `stale`, `links`).

Exit codes: 0 success, 1 problems in the data, 2 usage errors. Problems go to stderr, one per
line, as `PATH:LINE:COL: $.json.path: message`; no traceback reaches the user for bad data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from . import diff as library_diff
from . import links as link_check
from . import pdf as pdf_export
from . import plan as planning
from . import review as reviews
from . import site
from . import stale as review
from .export import FORMATS
from .load import DEFAULT_ROOT, FRAMEWORKS_DIR, Checked, build, check_library
from .problems import Problem, did_you_mean, place
from .skeleton import SKELETON
from .source import read_source
from .validate import ID, check_playbooks, schema_dir
from .vocab import CATEGORIES, ROLES

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
FIX_FIRST = "fix them first (see `playbook validate`)."


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; the generated CLI reference page is its `--help` output."""
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="Validate, export, create, compare and maintain the YAML playbooks of the GenAI "
                    "product playbook.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate", help="check playbooks and framework registries",
        description="Check playbook files and framework registries against the schemas and the rules "
                    "that span files (unique ids, related items and framework references resolve). "
                    "Prints every problem as PATH:LINE:COL: $.json.path: message. "
                    "Exit 0 when valid, 1 when problems were found, 2 on usage errors.")
    validate.add_argument("paths", nargs="*", metavar="PATH", type=Path,
                          help="files or folders to check (default: the whole library)")
    validate.add_argument("--root", type=Path, help="library folder (default: found from PATH, "
                                                    "else ./playbook_data)")
    validate.add_argument("--format", choices=["text", "github"], default="text",
                          help="text (default) or github: workflow commands that annotate pull requests")

    export = commands.add_parser(
        "export", help="write the library as JSON, CSV, a Markdown checklist or an OSCAL catalog",
        description="Export every playbook and item with all its fields. JSON: "
                    '{"playbooks": [...]}; CSV: one row per item; md: a Markdown checklist '
                    "(- [ ] text (playbook-id/item-id)) to paste into an issue or review document; oscal: an "
                    "OSCAL catalog (a group per category and playbook, a control <playbook-id>.<item-id> per item).")
    export.add_argument("--format", choices=sorted(FORMATS), default="json", help="output format (default json)")
    export.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")

    new = commands.add_parser(
        "new", help="create a playbook file from a skeleton to fill in",
        description="Write <root>/CATEGORY/ID.yaml: a playbook skeleton of the right shape with the editor "
                    "schema line. Its placeholder sentences fail validation, each with a message that says "
                    "what to write, until they are replaced.")
    new.add_argument("category", metavar="CATEGORY", help=f"one of: {', '.join(CATEGORIES)}")
    new.add_argument("id", metavar="ID", help="kebab-case playbook id, also the file name")
    new.add_argument("--title", help="title of the playbook (default: from the id)")
    new.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")

    compare = commands.add_parser(
        "diff", help="summarise what changed between two git revisions, as Markdown",
        description="Compare the library where HEAD's line left git revision BASE (their merge base, as a "
                    "pull request is compared; --tip for BASE itself) with HEAD (default: the working tree, "
                    "including changes not yet committed) and print a Markdown summary for a pull request: "
                    "playbooks and items added, removed and changed (text, level, owner, stage, references). "
                    "Item ids that disappeared without an item declaring `replaces:` for them are flagged "
                    "as breaking, because readers lose the progress saved under them.")
    compare.add_argument("base", metavar="BASE", help="git revision to compare from (branch, tag or commit)")
    compare.add_argument("head", metavar="HEAD", nargs="?", default=None,
                         help="git revision to compare to (default: the working tree)")
    compare.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")
    compare.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    compare.add_argument("--fail-on-breaking", action="store_true",
                         help="exit 1 when an item id disappeared without a replacement")
    compare.add_argument("--tip", action="store_true",
                         help="compare with BASE's latest commit instead of the point where HEAD's line left BASE "
                              "(the merge base, as a pull request is compared)")

    generate = commands.add_parser(
        "generate", help="write the site's sources for a builder that runs no MkDocs hooks (Zensical)",
        description="Write DIR/docs (the hand-written pages of docs/ and every page, data file and schema "
                    "the build generates from the playbook data and review files) and DIR/mkdocs.yml (the "
                    "site's configuration without the MkDocs hooks, its paths made absolute). The MkDocs hook "
                    "adds the same files in process. A later run makes DIR match again, rewriting only the "
                    "files that changed (DIR/site, the builder's output, is left alone); --watch does that "
                    "whenever a file of the data, the review files, docs/ or the configuration changes, for "
                    "a builder's preview server watching DIR. Then, for example: zensical build "
                    "--config-file DIR/mkdocs.yml. Exit 1 with every problem when the data or the review "
                    "files have problems.")
    generate.add_argument("--out", type=Path, required=True, metavar="DIR",
                          help="folder to write; one this command did not write is refused")
    generate.add_argument("--watch", action="store_true",
                          help="keep running and write again after every change (problems are printed, the "
                               "last good files stay)")
    generate.add_argument("--config", type=Path, default=Path("mkdocs.yml"), metavar="FILE",
                          help="the site's configuration (default ./mkdocs.yml)")

    stale = commands.add_parser(
        "stale", help="list playbooks that are due for review",
        description="List the playbooks whose review is due: more than review_interval_days (default "
                    f"{review.DEFAULT_REVIEW_INTERVAL_DAYS}) have passed since last_reviewed, or they were "
                    "never reviewed. One line each, PATH:LINE:COL: $.last_reviewed: message, most overdue "
                    "first. Exit 0, or 1 with --strict when any playbook is due.")
    stale.add_argument("--as-of", type=_date, metavar="DATE", default=None,
                       help="the day to judge by, YYYY-MM-DD (default: today)")
    stale.add_argument("--strict", action="store_true", help="exit 1 when any playbook is due for review")
    stale.add_argument("--interval-days", type=_positive_int, metavar="DAYS",
                       default=review.DEFAULT_REVIEW_INTERVAL_DAYS,
                       help="review interval for playbooks that set none (default "
                            f"{review.DEFAULT_REVIEW_INTERVAL_DAYS})")
    stale.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")
    stale.add_argument("--format", choices=["text", "github"], default="text",
                       help="text (default) or github: warnings that annotate the workflow run")

    links = commands.add_parser(
        "links", help="check that the addresses of sources and frameworks still answer",
        description="Request every links[].url of the playbooks and the url of every framework registry "
                    "(each address once, a few at a time, each request with a time limit) and report dead "
                    "ones as PATH:LINE:COL: $.json.path: message. Addresses whose server turns automated "
                    "checks away (HTTP 401, 403, 429) are reported but do not fail the run. "
                    "Exit 0 when no link is dead, 1 otherwise, 2 on usage errors.")
    links.add_argument("paths", nargs="*", metavar="PATH", type=Path,
                       help="files or folders to check (default: the whole library)")
    links.add_argument("--root", type=Path, help="library folder (default: found from PATH, else ./playbook_data)")
    links.add_argument("--timeout", type=_positive_float, metavar="SECONDS", default=link_check.DEFAULT_TIMEOUT,
                       help=f"give up on a request after this long (default {link_check.DEFAULT_TIMEOUT:g})")
    links.add_argument("--workers", type=_positive_int, metavar="N", default=link_check.DEFAULT_WORKERS,
                       help=f"requests at the same time (default {link_check.DEFAULT_WORKERS})")
    links.add_argument("--format", choices=["text", "github"], default="text",
                       help="text (default) or github: workflow commands that annotate pull requests")

    pdf = commands.add_parser(
        "pdf", help="print the built site's playbooks and print packs to PDF",
        description="Print every playbook page of the built site, each category's print pack and the pack of "
                    "all playbooks to PDF with headless Chromium (/usr/bin/chromium, or $CHROMIUM): "
                    "<playbook-id>.pdf, pack-<category>.pdf and pack-all.pdf, as blank checklists. "
                    "Build the site first (mkdocs build). Exit 0 when every file was written, 1 otherwise.")
    pdf.add_argument("--paper", choices=pdf_export.PAPERS, default=pdf_export.PAPERS[0],
                     help=f"paper size (default {pdf_export.PAPERS[0]})")
    pdf.add_argument("--output", "-o", type=Path, metavar="DIR", default=Path("build/pdf"),
                     help="folder for the PDF files (default build/pdf)")
    pdf.add_argument("--site", type=Path, metavar="DIR", default=Path("site"),
                     help="the built site (default ./site)")
    pdf.add_argument("--details", action="store_true",
                     help="include each item's why and how text (default: the checklist only)")

    plan = commands.add_parser(
        "plan", help="list the items that apply to one product, grouped by stage, must items first",
        description="Print the review plan of one product: the items that apply to it, grouped by lifecycle "
                    "stage, must items first. Answer yes with --trait for each trait the product has and not "
                    "sure with --unsure; every other trait is answered no (the questions are in "
                    "playbook_data/traits.yaml). Items that depend on a not-sure answer stay in the plan, marked "
                    "with what they depend on. Without options, the items that apply to every product. The same "
                    "list as the site's Plan my review page. md: a task list; json and csv: a review record "
                    "with every answer and empty done and note fields.")
    plan.add_argument("--trait", action="append", default=[], metavar="TRAIT",
                      help="a trait the product has (answer yes); repeat for each trait")
    plan.add_argument("--unsure", action="append", default=[], metavar="TRAIT",
                      help="a trait nobody can answer yet (answer not sure); repeat for each trait")
    plan.add_argument("--product", default="", metavar="NAME", help="the product's name, for the record")
    plan.add_argument("--format", choices=sorted([*planning.RECORD_FORMATS, "oscal"]), default="md",
                      help="output format (default md); oscal: an OSCAL profile selecting the checks from the catalog "
                           "of `playbook export --format oscal`")
    plan.add_argument("--catalog", default="catalog.json", metavar="HREF",
                      help="with --format oscal: where the profile finds the catalog (default catalog.json)")
    plan.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    plan.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")

    rev = commands.add_parser(
        "review", help="keep a product's review in the repository: create it, report on it, export it",
        description="Reviews are YAML files in reviews/ (beside the library folder): a product's answers, "
                    "its reviewers, and per check a status (open, done, not-applicable, risk-accepted), owner, "
                    "due date, evidence and note. `playbook validate` checks them like playbooks.")
    actions = rev.add_subparsers(dest="action", metavar="ACTION", required=True)
    rnew = actions.add_parser(
        "new", help="write reviews/ID.yaml from the plan of a product",
        description="Write reviews/ID.yaml with every check of the product's plan, each open, with a hash of "
                    "its text and the library's version, so that `review status` can later tell what changed. "
                    "Answers as for `playbook plan`: --trait is yes, --unsure is not sure, the rest no.")
    rnew.add_argument("id", metavar="ID", help="kebab-case review id, also the file name")
    rnew.add_argument("--trait", action="append", default=[], metavar="TRAIT", help="a trait the product has")
    rnew.add_argument("--unsure", action="append", default=[], metavar="TRAIT", help="a trait nobody can answer yet")
    rnew.add_argument("--product", metavar="NAME", help="the product's name (default: from the id)")
    rnew.add_argument("--description", metavar="TEXT", help="one paragraph on what the product does")
    rnew.add_argument("--reviewer", action="append", default=[], metavar="NAME[:ROLE]",
                      help="a reviewer, optionally with a role id (product-manager, legal, ...); repeat")
    rnew.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")
    rnew.add_argument("--dir", type=Path, default=None, metavar="DIR",
                      help="where reviews live (default: reviews/ beside the library folder)")
    rstatus = actions.add_parser(
        "status", help="progress, overdue checks and what changed in the library since each review",
        description="For each review (default: every file in reviews/): progress by stage and owner, open must "
                    "checks, overdue checks, and drift: checks that now apply but are not in the review, items "
                    "whose text changed since the reviewers saw it, items no longer in the library. "
                    "With --fail-on, exit 1 when any review meets a condition: a launch gate for CI.")
    rstatus.add_argument("files", nargs="*", metavar="FILE", type=Path, help="review files (default: all)")
    rstatus.add_argument("--fail-on", action="append", default=[], choices=reviews.FAIL_ON, metavar="CONDITION",
                         help=f"exit 1 when a review has: {', '.join(reviews.FAIL_ON)}; repeat for several")
    rstatus.add_argument("--format", choices=["md", "json"], default="md", help="output format (default md)")
    rstatus.add_argument("--as-of", type=_date, metavar="DATE", default=None,
                         help="the day that decides what is overdue, YYYY-MM-DD (default: today)")
    rstatus.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")
    rexport = actions.add_parser(
        "export", help="write a review as OSCAL assessment results",
        description="Write the review as OSCAL assessment results (JSON): one finding per check, with its "
                    "status, and its evidence as observations.")
    rexport.add_argument("file", metavar="FILE", type=Path, help="the review file")
    rexport.add_argument("--format", choices=["oscal"], default="oscal", help="output format (default oscal)")
    rexport.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    rexport.add_argument("--root", type=Path, default=None, help="library folder (default ./playbook_data)")
    return parser


_parser = build_parser  # the name earlier code and tests use


def _date(value: str) -> dt.date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{value}' is not a date written YYYY-MM-DD")


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of at least 1")
    return int(value)


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number <= 600:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of seconds between 0 and 600")
    return number


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UsageError, library_diff.RevisionError) as error:
        parser.print_usage(sys.stderr)
        print(f"playbook {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `playbook export | head`
        sys.stderr.close()
        return EXIT_OK


def _library_root(root: Path) -> Path:
    """`root` if it is a folder, else a usage error that says how to point at the library."""
    if not root.is_dir():
        raise UsageError(f"library folder not found: {root} (run from the repository root or pass --root)")
    return root


def _checked_or_report(root: Path, consequence: str) -> Checked | None:
    """The checked library, or None after printing its problems and `consequence` on stderr."""
    checked = check_library(_library_root(root))
    if not checked.problems:
        return checked
    for problem in checked.problems:
        print(problem.format(), file=sys.stderr)
    print(f"{len(checked.problems)} problem(s) found; {consequence}", file=sys.stderr)
    return None


# -- validate -------------------------------------------------------------------------------------


def find_root(paths: Sequence[Path]) -> Path:
    """The library folder holding `paths`: an ancestor named playbook_data or holding frameworks/."""
    if not paths:
        return DEFAULT_ROOT
    first = paths[0].resolve()
    candidates = [first] if first.is_dir() else []
    candidates += list(first.parents)
    for folder in candidates:
        if folder.name == DEFAULT_ROOT.name or (folder / FRAMEWORKS_DIR).is_dir():
            return folder
    return first if first.is_dir() else first.parent.parent


def _within(problem: Problem, targets: Sequence[Path]) -> bool:
    path = place(problem.path)
    return any(path == t or t in path.parents for t in targets)


def _is_review(path: Path) -> bool:
    """Review files live in a folder named reviews/ (beside the library)."""
    return path.name == reviews.REVIEWS_DIR if path.is_dir() else path.parent.name == reviews.REVIEWS_DIR


def _validate(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    review_paths = [p for p in args.paths if _is_review(p)]
    data_paths = [p for p in args.paths if p not in review_paths]
    if data_paths or not review_paths:
        root = _library_root(args.root or find_root(data_paths))
    else:  # only reviews: the library beside their reviews/ folder
        folder = review_paths[0].resolve() if review_paths[0].is_dir() else review_paths[0].resolve().parent
        root = _library_root(args.root or folder.parent / DEFAULT_ROOT.name)
    checked = check_library(root)
    problems = list(checked.problems)
    targets = [place(p) for p in data_paths]
    outside = [p for p in data_paths if p.is_file() and root.resolve() not in p.resolve().parents]
    if outside:  # files outside the library: check them against it without adding them to it
        sources = [read_source(p) for p in outside]
        problems += [p for p in check_playbooks(sources + list(checked.playbooks), list(checked.frameworks),
                                                checked.traits) if p.path in outside]
    if targets:
        problems = [p for p in problems if _within(p, targets)]
    elif review_paths:
        problems = []  # only review files were named
    # Reviews: the ones named, or with no paths every file in reviews/ beside the library.
    files: list[Path] = []
    for path in ([root.parent / reviews.REVIEWS_DIR] if not args.paths else review_paths):
        found, found_problems = ([path], []) if args.paths and not path.is_dir() else reviews.review_files(path)
        files += found
        problems += found_problems
    if files:
        if checked.problems:  # a review is checked against the library; it must be readable first
            problems += [Problem(path=f, line=1, column=1, json_path="$", message="not checked: the playbook data "
                                 "has problems (listed above); fix them and validate again") for f in files]
        else:
            problems += reviews.check_reviews(files, build(checked))[1]
    for problem in sorted(set(problems)):
        print(_format(problem, args.format), file=sys.stderr)
    count = len(checked.playbooks) if not targets and not review_paths else len(
        [s for s in checked.playbooks if any(place(s.path) == t or t in place(s.path).parents
                                             for t in targets)] + outside)
    what = " and ".join(([f"{count} playbook file(s)"] if data_paths or not review_paths else [])
                        + ([f"{len(files)} review(s)"] if files else []))
    if problems:
        print(f"{len(set(problems))} problem(s) found in {what}.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{what} valid.", file=sys.stderr)
    return EXIT_OK


def _format(problem: Problem, style: str, level: str = "error") -> str:
    if style == "github":
        def escape(text: str, *, prop: bool = False) -> str:
            text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return text.replace(":", "%3A").replace(",", "%2C") if prop else text
        return (f"::{level} file={escape(problem.display_path(), prop=True)},line={problem.line},"
                f"col={problem.column},title={escape(problem.json_path, prop=True)}::"
                f"{escape(problem.json_path)}: {escape(problem.message)}")
    return problem.format()


# -- export ---------------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    checked = _checked_or_report(args.root or DEFAULT_ROOT, "nothing exported.")
    if checked is None:
        return EXIT_PROBLEMS
    _write(FORMATS[args.format](build(checked)), args.output)
    return EXIT_OK


# -- new ------------------------------------------------------------------------------------------



def _new(args: argparse.Namespace) -> int:
    if args.category not in CATEGORIES:
        raise UsageError(f"unknown category '{args.category}'; expected one of: {', '.join(CATEGORIES)}")
    if not ID.fullmatch(args.id) or not 2 <= len(args.id) <= 64:
        raise UsageError(f"'{args.id}' is not a valid id: use 2-64 lowercase letters and digits joined by "
                         "single hyphens, e.g. 'model-choice'")
    root = _library_root(args.root or DEFAULT_ROOT)
    checked = check_library(root)
    for source in checked.playbooks:
        if source.path.stem == args.id:
            print(f"{source.path}:1:1: $.id: playbook id '{args.id}' already exists; choose another id",
                  file=sys.stderr)
            return EXIT_PROBLEMS
    target = root / args.category / f"{args.id}.yaml"
    title = args.title or args.id.replace("-", " ").capitalize()
    if "\n" in title or not title.strip():
        raise UsageError("the title must be one line of text")
    repo_schema = root.resolve().parent / "schemas" / "playbook.schema.json"
    schema_file = repo_schema if repo_schema.is_file() else schema_dir() / "playbook.schema.json"
    schema_ref = Path(os.path.relpath(schema_file, target.parent.resolve())).as_posix()
    text = SKELETON.format(schema=schema_ref, id=args.id, title=json.dumps(title, ensure_ascii=False),
                            category=args.category, today=dt.date.today().isoformat())
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"Created {target}. Replace its placeholder sentences (validation names each one left), then run: "
          f"playbook validate {target}", file=sys.stderr)
    return EXIT_OK


# -- diff ---------------------------------------------------------------------------------------------


def _diff(args: argparse.Namespace) -> int:
    root = args.root or DEFAULT_ROOT
    result = library_diff.diff_revisions(args.base, args.head, root, tip=args.tip)
    if args.head is None and library_diff.is_head(args.base, root):
        print(f"{args.base} is the commit checked out, so only changes not yet committed are compared. To see "
              f"what your commits change, commit them on a branch and run `playbook diff {args.base}` there, "
              "or name an earlier revision (`playbook diff HEAD~1`).", file=sys.stderr)
    _write(library_diff.to_markdown(result), args.output)
    if args.fail_on_breaking and result.breaking:
        print(f"{len(result.breaking)} item id(s) disappeared without a replacement.", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


# -- stale --------------------------------------------------------------------------------------------


def _stale(args: argparse.Namespace) -> int:
    checked = _checked_or_report(args.root or DEFAULT_ROOT, FIX_FIRST)
    if checked is None:
        return EXIT_PROBLEMS
    as_of = args.as_of or dt.date.today()
    due = review.due_for_review(checked, as_of=as_of, default_interval=args.interval_days)
    for _schedule, problem in due:
        print(_format(problem, args.format, "warning"))
    print(f"{len(due)} of {len(checked.playbooks)} playbook(s) due for review as of {as_of.isoformat()}.",
          file=sys.stderr)
    return EXIT_PROBLEMS if due and args.strict else EXIT_OK


# -- links --------------------------------------------------------------------------------------------


def _links(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    root = _library_root(args.root or find_root(args.paths))
    found, unreadable = link_check.citations(root, args.paths)
    for problem in unreadable:
        print(_format(problem, args.format), file=sys.stderr)
    outcomes = link_check.check_all([c.url for c in found], timeout=args.timeout, workers=args.workers)
    dead, blocked = link_check.report(found, outcomes)
    for problem in dead:
        print(_format(problem, args.format))
    for problem in blocked:
        print(_format(problem, args.format, "warning"))
    print(f"{len(outcomes)} address(es) checked: {len(dead)} dead link(s), {len(blocked)} could not be checked.",
          file=sys.stderr)
    return EXIT_PROBLEMS if dead or unreadable else EXIT_OK


# -- pdf ----------------------------------------------------------------------------------------------


def _pdf(args: argparse.Namespace) -> int:
    try:
        written = pdf_export.export(args.site, args.output, paper=args.paper, details=args.details,
                                    report=lambda path: print(path, file=sys.stderr))
    except pdf_export.PdfError as error:
        print(f"playbook pdf: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{len(written)} PDF file(s) written to {args.output} ({args.paper}).", file=sys.stderr)
    return EXIT_OK


# -- plan ---------------------------------------------------------------------------------------------


def _plan(args: argparse.Namespace) -> int:
    root = args.root or DEFAULT_ROOT
    checked = _checked_or_report(root, FIX_FIRST)
    if checked is None:
        return EXIT_PROBLEMS
    library = build(checked)
    answers = _answers(library, args.trait, args.unsure, root)
    for parent in answers.implied:
        follow_ups = [t.id for t in library.traits if t.requires == parent and answers[t.id] != planning.NO]
        print(f"note: {' and '.join(follow_ups)} implies '{parent}': answered {answers[parent]}", file=sys.stderr)
    data = planning.plan_data(library, answers, product=args.product.strip()[:120])
    if args.format == "oscal":
        from . import oscal
        _write(oscal.to_json(oscal.profile(library, answers, catalog_href=args.catalog, product=data["product"])),
               args.output)
    else:
        _write(planning.RECORD_FORMATS[args.format](data), args.output)
    counts = data["counts"]
    print(f"{counts['items']} item(s) from {counts['playbooks']} playbook(s) in the plan, {counts['must']} of them must"
          + (f"; {counts['depends']} depend on answers that are not sure." if counts["depends"] else "."),
          file=sys.stderr)
    return EXIT_OK


def _write(text: str, output: Path | None) -> None:
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8", newline="")
        os.replace(tmp, output)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


# -- review -------------------------------------------------------------------------------------------


def _reviews_dir(args: argparse.Namespace, root: Path) -> Path:
    return getattr(args, "dir", None) or root.parent / reviews.REVIEWS_DIR


def _answers(library, yes: list[str], unsure: list[str], root: Path) -> planning.Answers:
    known = [t.id for t in library.traits]
    unknown = planning.unknown_traits(library, [*yes, *unsure])
    if unknown:
        raise UsageError(" ".join(f"unknown trait '{t}'.{did_you_mean(t, known)}" for t in unknown)
                         + (f" Known traits: {', '.join(known)}." if known else
                            f" The library defines no traits ({root / 'traits.yaml'} is missing)."))
    both = [t for t in dict.fromkeys(yes) if t in unsure]
    if both:
        raise UsageError(f"trait '{both[0]}' is given with both --trait and --unsure; answer it once")
    return planning.answers(library, yes, unsure)


def _reviewer(value: str) -> tuple[str, str | None]:
    name, _, role = value.partition(":")
    if not name.strip():
        raise UsageError(f"--reviewer '{value}': give a name, e.g. --reviewer 'Ana Lopez:legal'")
    if role and role not in ROLES:
        raise UsageError(f"--reviewer '{value}': unknown role '{role}'.{did_you_mean(role, ROLES)}")
    return name.strip(), role or None


def _review(args: argparse.Namespace) -> int:
    root = args.root or DEFAULT_ROOT
    checked = _checked_or_report(root, FIX_FIRST)
    if checked is None:
        return EXIT_PROBLEMS
    library = build(checked)
    return {"new": _review_new, "status": _review_status, "export": _review_export}[args.action](args, root, library)


def _review_new(args: argparse.Namespace, root: Path, library) -> int:
    if not ID.fullmatch(args.id) or len(args.id) > 64:
        raise UsageError(f"review id '{args.id}' must be kebab-case, e.g. support-assistant-2026")
    folder = _reviews_dir(args, root)
    target = folder / f"{args.id}.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; choose another id or edit that file")
    answers = _answers(library, args.trait, args.unsure, root)
    data = reviews.review_data(
        library, answers, review_id=args.id, product=(args.product or args.id.replace("-", " ").capitalize()).strip(),
        description=args.description, reviewers=[_reviewer(r) for r in args.reviewer],
        revision=reviews.git_revision(root.resolve()))
    _write(reviews.to_yaml(data), target)
    print(f"{target}: {len(data['items'])} check(s) to review; edit statuses, owners, due dates and evidence "
          "there, and see `playbook review status`.", file=sys.stderr)
    return EXIT_OK


def _load_reviews(files: list[Path], library) -> list[reviews.Review] | None:
    sources, problems = reviews.check_reviews(files, library)
    if problems:
        for problem in sorted(set(problems)):
            print(problem.format(), file=sys.stderr)
        print(f"{len(set(problems))} problem(s) found; {FIX_FIRST}", file=sys.stderr)
        return None
    return [reviews.build_review(s, library) for s in sources]


def _review_status(args: argparse.Namespace, root: Path, library) -> int:
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"no such review file: {path}")
    files, found_problems = (args.files, []) if args.files else reviews.review_files(_reviews_dir(args, root))
    if found_problems:
        for problem in sorted(found_problems):
            print(problem.format(), file=sys.stderr)
        print(f"{len(found_problems)} problem(s) found; {FIX_FIRST}", file=sys.stderr)
        return EXIT_PROBLEMS
    if not files:
        raise UsageError(f"no review files in {_reviews_dir(args, root)}; write one with `playbook review new ID`")
    loaded = _load_reviews(files, library)
    if loaded is None:
        return EXIT_PROBLEMS
    found = [reviews.status(r, library, today=args.as_of) for r in loaded]
    text = reviews.status_json(found) if args.format == "json" else "\n".join(reviews.status_markdown(s) for s in found)
    _write(text, None)
    failing = [(s.review, s.fails(args.fail_on)) for s in found]
    failing = [(r, met) for r, met in failing if met]
    for review_, met in failing:
        print(f"{review_.path}: fails on {', '.join(met)}", file=sys.stderr)
    return EXIT_PROBLEMS if failing else EXIT_OK


def _review_export(args: argparse.Namespace, root: Path, library) -> int:
    from . import oscal

    if not args.file.is_file():
        raise UsageError(f"no such review file: {args.file}")
    loaded = _load_reviews([args.file], library)
    if loaded is None:
        return EXIT_PROBLEMS
    _write(oscal.to_json(oscal.assessment_results(loaded[0], library)), args.output)
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    if not args.config.is_file():
        raise UsageError(f"configuration not found: {args.config} (run from the repository root or pass --config)")
    out = args.out.resolve()
    if out == Path.cwd().resolve() or out in Path.cwd().resolve().parents or out == args.config.resolve().parent:
        raise UsageError(f"--out {args.out} would replace the project itself; name a folder of its own")
    code = _generate_once(args)
    if not args.watch:
        return code
    watched = _watched(args.config)
    seen = _signatures(watched)
    print(f"Watching {', '.join(str(p) for p in watched)}; Ctrl+C stops.", file=sys.stderr)
    try:
        while True:
            time.sleep(0.2)
            now = _signatures(watched)
            if now != seen:
                seen = now
                _generate_once(args)
    except KeyboardInterrupt:
        return EXIT_OK


def _generate_once(args: argparse.Namespace) -> int:
    try:
        settings = site.Settings.of(site.read_config(args.config), args.config)
        checked = _checked_or_report(settings.data, "nothing was written")
        if checked is None:
            return EXIT_PROBLEMS
        files = site.standalone(args.config, args.out.resolve(), build(checked))
    except site.SiteError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{len(files)} generated file(s) and the pages of docs/ written to {args.out / 'docs'}; "
          f"configuration in {args.out / site.CONFIG_FOR_OTHER_BUILDERS}", file=sys.stderr)
    return EXIT_OK


def _watched(config: Path) -> list[Path]:
    """What the generated folder is made from: the configuration, docs/, the data, the review files."""
    data = site.read_config(config)
    settings = site.Settings.of(data, config)
    return [config, settings.base / str(data.get("docs_dir", "docs")), settings.data, settings.reviews]


def _signatures(paths: list[Path]) -> frozenset[tuple[str, int, int]]:
    found = set()
    for root in paths:
        for path in [root, *root.rglob("*")] if root.is_dir() else [root]:
            try:
                stat = path.stat()
            except OSError:
                continue
            found.add((str(path), stat.st_mtime_ns, stat.st_size))
    return frozenset(found)


COMMANDS.update(validate=_validate, export=_export, new=_new, diff=_diff, generate=_generate, stale=_stale, links=_links, pdf=_pdf,
                plan=_plan, review=_review)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
