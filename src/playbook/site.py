"""What a build adds to the hand-written pages of docs/, for every builder.

`generated` lists the files: a page per playbook, category, crosswalk and print pack, the plan
page and its data, the review pages, the reference pages and the published schemas. The MkDocs
hook (hooks/playbook_site.py) adds them to a MkDocs or ProperDocs build in process;
`playbook generate --out DIR` writes them, with a copy of docs/ and a configuration without
hooks, for a builder that runs no MkDocs hooks (Zensical). One function, so every builder gets
the same site.

Settings come from `extra.playbook` in mkdocs.yml, and the environment where the README says so
(PLAYBOOK_PDF, PLAYBOOK_REVIEWS).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import reference
from . import review as reviews
from .model import Library
from .pdf import PAPERS
from .problems import Problem
from .render import Renderer
from .stale import DEFAULT_REVIEW_INTERVAL_DAYS

DEFAULT_NAV_LIMIT = 40
CONFIG_FOR_OTHER_BUILDERS = "mkdocs.yml"  # what `generate` writes beside the docs it writes
MARK = ".playbook-generate"  # in every folder `generate` writes: the only folders it replaces
# Theme overrides of Material's templates that Zensical's classic variant renders otherwise (its
# search is its own; its 404 page has no `url` filter): left out of the folder `generate` writes.
MATERIAL_ONLY = frozenset({"partials/search.html", "404.html"})


class SiteError(Exception):
    """A setting or a file that stops the build; the message says what to change."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    base: Path  # the folder of mkdocs.yml; relative settings are read from it
    data: Path
    reviews: Path
    publish_reviews: bool
    directory_urls: bool
    pdf: bool
    pdf_paper: str
    review_interval_days: int
    nav_limit: int

    @classmethod
    def of(cls, config: Mapping[str, Any], config_file: str | Path | None) -> Settings:
        """From a loaded mkdocs.yml (MkDocs' config, or the plain mapping `read_config` returns)."""
        options = (config.get("extra") or {}).get("playbook") or {}
        base = Path(config_file).resolve().parent if config_file else Path.cwd()
        pdf_env = os.environ.get("PLAYBOOK_PDF", "").strip().lower()
        reviews_env = os.environ.get("PLAYBOOK_REVIEWS", "").strip().lower()
        on = ("1", "true", "yes", "on")
        settings = cls(
            base=base,
            data=base / str(options.get("data", "playbook_data")),
            reviews=base / str(options.get("reviews", reviews.REVIEWS_DIR)),
            publish_reviews=reviews_env in on if reviews_env else options.get("publish_reviews", True) is not False,
            directory_urls=config.get("use_directory_urls", True) is not False,
            pdf=pdf_env in on if pdf_env else options.get("pdf") is True,
            pdf_paper=str(options.get("pdf_paper", PAPERS[0])),
            review_interval_days=int(options.get("review_interval_days", DEFAULT_REVIEW_INTERVAL_DAYS)),
            nav_limit=int(options.get("nav_limit", DEFAULT_NAV_LIMIT)),
        )
        if settings.pdf and settings.pdf_paper not in PAPERS:
            raise SiteError(f"extra.playbook.pdf_paper: unknown paper size '{settings.pdf_paper}'; "
                            f"expected one of: {', '.join(PAPERS)}")
        return settings


@dataclass(frozen=True, kw_only=True)
class GeneratedFile:
    src_uri: str  # its path under docs/
    content: str
    source: str  # what it is made from, for messages: "the playbook data", "the review files", ...
    in_nav: bool = True  # False: a page the navigation lists in its own way (hooks/playbook_site.py on_nav)
    edit: Path | None = None  # the file "edit this page" opens, when it is not a page of docs/


def reviewed(settings: Settings, library: Library) -> list[reviews.Status]:
    """The status of every review file the site publishes; SiteError lists every problem in them."""
    files, problems = reviews.review_files(settings.reviews)
    if not settings.publish_reviews or not (files or problems):
        return []
    sources, found = reviews.check_reviews(files, library)
    problems += found
    if problems:
        raise SiteError(_problems(problems, "review files"))
    return [reviews.status(reviews.build_review(source, library), library) for source in sources]


def _problems(problems: list[Problem], where: str) -> str:
    lines = "\n".join(problem.format() for problem in sorted(set(problems)))
    return (f"{len(set(problems))} problem(s) in the {where}:\n{lines}\n"
            "Fix them and build again (`playbook validate` checks without building).")


def generated(library: Library, settings: Settings, found: list[reviews.Status], *,
              links_from: str = "url") -> list[GeneratedFile]:
    """Every file the build adds to docs/, in a stable order. `links_from`: see Renderer."""
    renderer = Renderer(library, directory_urls=settings.directory_urls, pdf=settings.pdf,
                        review_interval_days=settings.review_interval_days, links_from=links_from)
    sources = {p.src_uri: p.path for p in library.playbooks}
    out = [GeneratedFile(src_uri=uri, content=content, source="the playbook data", in_nav=False,
                         edit=sources.get(uri))
           for uri, content in renderer.pages().items()]
    out += [GeneratedFile(src_uri=uri, content=content, source="the playbook data")
            for uri, content in renderer.plan_data_files().items()]
    review_sources = {f"{reviews.REVIEWS_DIR}/{s.review.id}.md": s.review.path for s in found}
    out += [GeneratedFile(src_uri=uri, content=content, source="the review files", in_nav=uri not in review_sources,
                          edit=review_sources.get(uri))
            for uri, content in renderer.review_pages(found, published=settings.publish_reviews).items()]
    out += [GeneratedFile(src_uri=uri, content=content, source="the schemas and the command line",
                          edit=settings.base / reference.EDIT_SOURCES[uri] if uri in reference.EDIT_SOURCES else None)
            for uri, content in reference.files().items()]
    return out


# -- for builders without MkDocs hooks ---------------------------------------------------------------


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as data: `!ENV [NAME, default]` becomes the variable's value or the default; any
    other tag (`!relative`, Python names) is refused."""


def _env(loader: _ConfigLoader, node: yaml.Node) -> Any:
    names = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
    *variables, default = names if len(names) > 1 else [*names, None]
    return next((os.environ[str(v)] for v in variables if str(v) in os.environ), default)


_ConfigLoader.add_constructor("!ENV", _env)


def read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as file:
            data = yaml.load(file, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, yaml.YAMLError) as error:
        raise SiteError(f"{path}: cannot be read as the site's configuration: {error}") from None
    if not isinstance(data, dict):
        raise SiteError(f"{path}: expected a mapping of settings")
    return data


def write(files: list[GeneratedFile], out: Path) -> None:
    """Write each file under `out`, refusing a path that would leave it."""
    root = out.resolve()
    for file in files:
        target = (root / file.src_uri).resolve()
        if root not in target.parents:
            raise SiteError(f"{file.src_uri}: not a path inside {out}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(file.content, encoding="utf-8")


def standalone(config_file: Path, out: Path, library: Library) -> list[GeneratedFile]:
    """A folder a builder without MkDocs hooks builds as it is: `out/docs/` holds the hand-written
    pages and every generated file, `out/mkdocs.yml` the site's configuration with the hooks left
    out, its paths made absolute and the site written to `out/site/`. Returns the generated files.
    A second run makes `out` match again, rewriting only what changed."""
    config = read_config(config_file)
    settings = Settings.of(config, config_file)
    files = generated(library, settings, reviewed(settings, library), links_from="source")
    docs = settings.base / str(config.get("docs_dir", "docs"))
    taken = sorted(f.src_uri for f in files if (docs / f.src_uri).exists())
    if taken:
        raise SiteError(f"docs/{taken[0]} conflicts with a page generated from {files[0].source}; "
                        "rename or remove the hand-written page")
    if out.exists() and not (out / MARK).is_file():  # never touch a folder this command did not write
        raise SiteError(f"{out} exists and was not written by `playbook generate`; name a new folder, "
                        "or remove it first")
    wanted: dict[str, bytes] = {MARK: b"Written by `playbook generate`; the next run makes it match again.\n"}
    for path in sorted(docs.rglob("*")):
        if path.is_file():
            wanted[f"docs/{path.relative_to(docs).as_posix()}"] = path.read_bytes()
    for file in files:
        wanted[f"docs/{file.src_uri}"] = file.content.encode("utf-8")
    config.pop("hooks", None)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"  # out/site: builders such as Zensical keep the site inside the project folder
    theme = config.get("theme")
    if isinstance(theme, dict):
        # Zensical's look that Material's partials, and so the overrides in custom_dir, are made for.
        theme.setdefault("variant", "classic")
        if theme.get("custom_dir"):  # copied, less the partials Zensical builds differently
            overrides = settings.base / theme["custom_dir"]
            for path in sorted(overrides.rglob("*")):
                relative = path.relative_to(overrides).as_posix()
                if path.is_file() and relative not in MATERIAL_ONLY:
                    wanted[f"overrides/{relative}"] = path.read_bytes()
            theme["custom_dir"] = "overrides"
    options = config.setdefault("extra", {}).setdefault("playbook", {})
    options.update(data=str(settings.data), reviews=str(settings.reviews))
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("macros"), dict):
            # Builders load the macros module from inside their project folder only: copy it there.
            macros = plugin["macros"]
            module = settings.base / f"{macros.get('module_name', 'main')}.py"
            wanted["macros.py"] = module.read_bytes()
            macros["module_name"] = "macros"
    config.pop("watch", None)
    extensions = config.setdefault("markdown_extensions", [])
    if "playbook.rawblocks" not in extensions:
        extensions.append("playbook.rawblocks")  # what the hook's set-aside does, as a Markdown extension
    if isinstance(config.get("nav"), list):
        _list_pages(config["nav"], files, settings.nav_limit)
    wanted[CONFIG_FOR_OTHER_BUILDERS] = (
        "# Written by `playbook generate`: the site's mkdocs.yml for builders that run no MkDocs hooks.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)).encode("utf-8")
    _match(out, wanted)
    return files


def _list_pages(nav: list[Any], files: list[GeneratedFile], limit: int) -> None:
    """What the MkDocs hook's on_nav does, written into the configuration: each section whose first
    page is `<folder>/index.md` lists the generated pages of that folder that the navigation does
    not list by itself (playbooks, crosswalks, reviews), unless there are more than `limit`."""
    pages: dict[str, list[str]] = {}
    for file in files:
        folder, _, name = file.src_uri.partition("/")
        if not file.in_nav and name.endswith(".md") and name != "index.md" and "/" not in name:
            pages.setdefault(folder, []).append(file.src_uri)
    for entry in nav:
        for value in entry.values() if isinstance(entry, dict) else ():
            if not isinstance(value, list):
                continue
            first = value[0] if value else None
            if isinstance(first, str) and first.endswith("/index.md") and first.count("/") == 1:
                found = sorted(pages.get(first.split("/")[0], []))
                if found and len(found) <= limit:
                    value.extend(found)
            _list_pages(value, files, limit)


def _match(out: Path, wanted: dict[str, bytes]) -> None:
    """Make `out` hold exactly `wanted` (path -> bytes) outside its site/ folder, writing only the
    files that differ: a builder's preview server that watches the folder rebuilds what changed."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(out.rglob("*"), reverse=True):
        relative = path.relative_to(out).as_posix()
        if relative == "site" or relative.startswith("site/"):
            continue  # the builder's output
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative, content in wanted.items():
        target = out / relative
        if target.is_file() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
