"""Sphinx configuration of the skactive documentation.

Build from the repository root::

    pip install -e ".[docs]"
    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Import the package from this checkout even without an install.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "agg")

import skactive  # noqa: E402

project = "skactive"
author = "the skactive developers"
copyright = "the skactive developers"
release = skactive.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax from the package, copied into _static: formulas render offline
    # (no CDN).
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/*.inc", "benchmarks/results/**"]
root_doc = "index"

# --- API reference -----------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True}
# numpydoc lists the methods; autosummary's own member tables would duplicate them.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# Validate the docstrings of the public API (every object autodoc renders);
# under -W a failing check fails the build. Excluded checks, by the
# package's docstring style (short numpydoc docstrings, as in scikit-learn):
# GL01/GL02 summary placement, SS05 (summaries are noun phrases: "Predictive
# spread of each row."), ES01 extended summary, SA01 See Also, EX01 Examples
# (public classes carry one, methods need not), RT02 named returns
# ("scores : ndarray"), PR07/RT03 descriptions of self-explanatory
# parameters and returns ("X_pool : array-like of shape (n_pool, n_features)").
numpydoc_validation_checks = {
    "all",
    "GL01",
    "GL02",
    "SS05",
    "ES01",
    "SA01",
    "EX01",
    "RT02",
    "PR07",
    "RT03",
}
# Objects not validated yet (regular expressions on the full name), all in
# modules other branches were rewriting when validation was switched on:
# overrides that inherit their base class's docstring (GL08) and
# BaseStrategy.bootstrap_members_needed (RT01), in skactive/strategies/ and
# skactive/stopping.py; SimulationResult's parameters, summary and verdict
# (PR01, RT01, SS03) in skactive/_simulation_result.py. The last three come with
# branches not merged yet when validation was switched on: the stopping
# criteria's labels_left and StreamSelector.flush (SS06, PR01, GL08) and
# skactive.serve (RT01). Remove an entry once its docstrings are fixed.
numpydoc_validation_exclude = {
    r"\.bootstrap_members_needed$",
    r"^skactive\.(stopping\.)?[A-Za-z]+\.check$",
    r"^skactive\.strategies\.RandomSampling\.score$",
    r"^skactive\.SimulationResult$",
    r"^skactive\.SimulationResult\.(summary|verdict)$",
    r"^skactive\.(stopping\.)?[A-Za-z]+\.labels_left$",
    r"^skactive\.StreamSelector\.flush$",
    r"^skactive\.serve$",
}

# --- Gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every plot_*.py, so each example is checked by the build.
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skactive",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skactive": None},
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
}

# --- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skactive {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": [], "benchmarks": [], "api": []}
html_static_path = []
html_show_sourcelink = False


# --- Benchmarks page: show whatever result files exist at build time ------------
def _benchmark_results_rst():
    """reStructuredText for every result file in docs/benchmarks/results/.

    Files are grouped by benchmark: ``name.md`` (the benchmark's report),
    ``name*.png`` (its plots) and ``name.csv`` (every measured cell).
    """
    results = DOCS / "benchmarks" / "results"
    files = sorted(results.glob("*")) if results.is_dir() else []
    files = [f for f in files if f.suffix in {".csv", ".png", ".md"}]
    if not files:
        return (
            ".. note::\n\n"
            "   No benchmark results are in ``docs/benchmarks/results/`` in this\n"
            "   build. Run the benchmarks as described above to produce them.\n"
        )
    stems = sorted({f.stem for f in files if f.suffix in {".csv", ".md"}})
    groups = {stem: [] for stem in stems}
    for png in (f for f in files if f.suffix == ".png"):
        owners = [s for s in stems if png.stem == s or png.stem.startswith(s + "_")]
        groups.setdefault(max(owners, key=len) if owners else png.stem, []).append(png)
    lines = []
    for stem in sorted(groups):
        title = stem.replace("_", " ").capitalize()
        lines += [title, "~" * len(title), ""]
        csv, md = results / f"{stem}.csv", results / f"{stem}.md"
        if md.exists():
            # The benchmark's own report, shown as the Markdown text it is
            # (no Markdown parser needed).
            lines += [
                f"The benchmark's report, "
                f":download:`{md.name} </benchmarks/results/{md.name}>`:",
                "",
                f".. literalinclude:: /benchmarks/results/{md.name}",
                "   :language: markdown",
                "",
            ]
        for png in groups[stem]:
            lines += [
                f".. figure:: /benchmarks/results/{png.name}",
                f"   :alt: {png.stem}",
                "   :width: 100%",
                "",
                f"   ``{png.name}``",
                "",
            ]
        if csv.exists():
            with csv.open() as handle:
                n_rows = sum(1 for _ in handle) - 1
            if n_rows <= 60 and not md.exists():
                lines += [
                    ".. csv-table::",
                    # Relative to this generated file (docs/generated/).
                    f"   :file: ../benchmarks/results/{csv.name}",
                    "   :header-rows: 1",
                    "",
                ]
            lines += [
                f"Every measured cell as CSV ({n_rows} rows): "
                f":download:`{csv.name} </benchmarks/results/{csv.name}>`.",
                "",
            ]
    return "\n".join(lines) + "\n"


def _benchmark_scripts_rst():
    """One entry per benchmarks/*.py: how to rerun it and its own description."""
    import ast

    scripts = sorted((ROOT / "benchmarks").glob("*.py"))
    scripts = [s for s in scripts if not s.name.startswith("_")]
    if not scripts:
        return (
            ".. note::\n\n"
            "   This checkout has no benchmark scripts in ``benchmarks/``.\n"
        )
    lines = []
    for script in scripts:
        doc = ast.get_docstring(ast.parse(script.read_text())) or "(no description)"
        title = f"benchmarks/{script.name}"
        lines += [
            title,
            "~" * len(title),
            "",
            "Rerun it from the repository root::",
            "",
        ]
        lines += [
            '    pip install -e ".[bench]"',
            f"    nice -n 10 python benchmarks/{script.name}",
            "",
        ]
        lines += ["What it measures, in its own words::", ""]
        lines += ["    " + line if line else "" for line in doc.splitlines()]
        lines += [""]
    return "\n".join(lines) + "\n"


def _write_generated(app):
    out = DOCS / "generated"
    out.mkdir(exist_ok=True)
    for name, text in [
        ("benchmark_results.inc", _benchmark_results_rst()),
        ("benchmark_scripts.inc", _benchmark_scripts_rst()),
    ]:
        path = out / name
        # Rewrite only on change, so Sphinx does not rebuild the page for nothing.
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def _check_api_coverage(app):
    """Warn (an error under -W) for each public name missing from api.rst."""
    import importlib
    import re

    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    listed = set(re.findall(r"^ {3}(\w+)\s*$", (DOCS / "api.rst").read_text(), re.M))
    modules = [skactive, importlib.import_module("skactive.strategies")]
    for extra in (
        "skactive.datasets",
        "skactive.plotting",
        "skactive.stream",
        "skactive.synthesis",
        "skactive.session",
        "skactive.stopping",
    ):
        try:
            modules.append(importlib.import_module(extra))
        except ImportError:
            pass
    for module in modules:
        for name in getattr(module, "__all__", ()):
            if not callable(getattr(module, name)):
                continue  # constants such as datasets.REAL_DATASETS
            if name not in listed:
                logger.warning(
                    "%s.%s is public (in __all__) but not in docs/api.rst; add it "
                    "to an autosummary list there.",
                    module.__name__,
                    name,
                )


def _skip_metadata_requests(app, what, name, obj, skip, options):
    """Hide scikit-learn's metadata-routing methods (``set_*_request`` and co.)."""
    if name == "get_metadata_routing" or (
        name.startswith("set_") and name.endswith("_request")
    ):
        return True
    return None


def _unlink_sklearn_refs(app, what, name, obj, options, lines):
    """Inherited scikit-learn docstrings point at labels of scikit-learn's docs."""
    import re

    if not getattr(obj, "__module__", "").startswith("sklearn"):
        return
    pattern = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<[^>]*>)?`")
    lines[:] = [pattern.sub(lambda m: m.group(1), line) for line in lines]


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_requests)
    app.connect("autodoc-process-docstring", _unlink_sklearn_refs)
    app.connect("builder-inited", _write_generated)
    app.connect("builder-inited", _check_api_coverage)
