"""Where a build's time goes, by plugin and event: the project's own share of `mkdocs build`.

    python bench/phases.py PROJECT [CONFIG]      (CONFIG defaults to mkdocs.yml)

Builds PROJECT in this process through MkDocs' API (what `mkdocs build` runs) with a CPU-time
counter around every plugin and hook event handler, then prints one line per handler and the
total. Everything the playbook hooks and mkdocs-macros do is the project's own cost; the rest
(Markdown, Material's templates, search, tags) is what a plain Material build also pays.
Used to explain the build ratio in the Performance page; it changes nothing in the project.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from pathlib import Path


def main() -> None:
    project = Path(sys.argv[1]).resolve()
    config_file = sys.argv[2] if len(sys.argv) > 2 else "mkdocs.yml"
    os.chdir(project)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    start_cpu = time.process_time()
    config = load_config(config_file)
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, method):
        def wrapper(*args, **kwargs):
            begin = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - begin
        return wrapper

    owners = {id(plugin): name for name, plugin in config.plugins.items()}
    for event, methods in config.plugins.events.items():
        for index, method in enumerate(methods):
            owner = owners.get(id(getattr(method, "__self__", None)), getattr(method, "__module__", "?"))
            methods[index] = timed(f"{owner}: {event}", method)

    config.plugins.on_startup(command="build", dirty=False)
    build_start = time.process_time()
    build(config)
    config.plugins.on_shutdown()
    total = time.process_time() - start_cpu
    build_cpu = time.process_time() - build_start

    print(f"{'handler':60} {'CPU s':>8}")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.01:
            print(f"{name:60} {seconds:8.2f}")
    own = sum(s for n, s in spent.items() if "macros" in n or "hooks/" in n or n.startswith("hooks"))
    print(f"{'project hooks + mkdocs-macros':60} {own:8.2f}")
    print(f"{'whole build (mkdocs.commands.build.build)':60} {build_cpu:8.2f}")
    print(f"{'with config loading':60} {total:8.2f}")


if __name__ == "__main__":
    main()
