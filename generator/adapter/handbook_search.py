"""The handbook's search index and worker, put over Material's after the build."""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from generator.outputs.site import search


def install_search(config: MkDocsConfig, log: logging.Logger) -> None:
    """After the search plugin has written its index (listed before the policy-site plugin),
    before the offline plugin inlines it (-100)."""
    synonyms, problems = search.load_synonyms(Path(config.config_file_path).parent)
    for problem in problems:
        log.error(str(problem))
    if problems:
        raise PluginError(f"{search.SYNONYMS} has errors (listed above)")
    try:
        search.install(Path(config.site_dir), synonyms)
    except FileNotFoundError as exc:
        raise PluginError(str(exc)) from exc
