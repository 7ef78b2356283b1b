"""The docs name only what exists: every repository path, table, index, setting, `make` target
and `python -m` command that README.md and docs/*.md name, and every repository path in the
code's comments and docstrings. docs/decisions/ is history and may name what is gone: only its
links are checked."""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import io
import re
import tokenize
from pathlib import Path

import pytest

from bench.cost import ALARM_METRICS
from chalicelib.store.models import ALL_MODELS, TTL_MODELS

REPO = Path(__file__).resolve().parent.parent
REFERENCE_DOCS = (REPO / "README.md", *sorted((REPO / "docs").glob("*.md")))
ALL_DOCS = (*REFERENCE_DOCS, *sorted((REPO / "docs" / "decisions").glob("*.md")))
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")
TOP_FOLDERS = ("chalicelib", "tests", "widget", "docs", "infra", "bench", "devserver", ".chalice")
# A path starts with a top folder after something that is not part of a path or a URL.
FOLDERS = "|".join(map(re.escape, TOP_FOLDERS))
PATH = re.compile(rf"(?<![\w/.<>$-])((?:{FOLDERS})/[\w./*{{}}<>@#-]*)")
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")
CONSTANT = re.compile(r"(?<![\w.$])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")
NOT_SCANNED = {"node_modules", "__pycache__", "vendor"}


def _doc_id(doc: Path) -> str:
    return str(doc.relative_to(REPO))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _code_spans(doc: Path) -> list[str]:
    return CODE.findall(_text(doc))


def _generated() -> list[str]:
    """What the build, `make run` or `make package` make and .gitignore keeps out of Git:
    `widget/loader.js`, `.chalice/deployments/`, `build/`."""
    lines = _text(REPO / ".gitignore").splitlines()
    return [
        line.strip("/") for line in lines if line and not line.startswith("#") and "*" not in line
    ]


GENERATED = _generated()
# infra/deploy.py would upload a build output from there; this repository's build writes the
# widget into widget/ itself, so it never exists.
OPTIONAL = {"widget/dist"}


def _exists(path: str) -> bool:
    path = path.rstrip("/")
    if any(mark in path for mark in "*?"):
        return any(REPO.glob(path)) or bool(fnmatch.filter(GENERATED, path))
    generated = any(path == entry or path.startswith(f"{entry}/") for entry in GENERATED)
    if path in OPTIONAL:
        return True
    # `chalicelib/push` names the module chalicelib/push.py.
    return generated or (REPO / path).exists() or (REPO / f"{path}.py").exists()


def _missing_paths(text: str) -> list[str]:
    missing = []
    for match in PATH.finditer(text):
        path = match.group(1).rstrip(".,:;)")
        if any(mark in path for mark in "{}<>"):  # a placeholder: `tests/{tier}/`
            continue
        if not _exists(path):
            missing.append(path)
    return missing


def _source_files(suffix: str) -> list[Path]:
    files = [REPO / f"app{suffix}"] if (REPO / f"app{suffix}").exists() else []
    for folder in TOP_FOLDERS:
        files += [
            path
            for path in (REPO / folder).rglob(f"*{suffix}")
            if not NOT_SCANNED.intersection(path.relative_to(REPO).parts)
        ]
    return files


def _prose_of_python(path: Path) -> str:
    """The comments and docstrings of a Python file (its strings are data, often made up)."""
    source = _text(path)
    comments = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    docstrings = [
        ast.get_docstring(node, clean=False) or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    return "\n".join(comments + docstrings)


def _comments_of(path: Path) -> str:
    """The `#` comments of a Makefile or a YAML file."""
    return "\n".join(line for line in _text(path).splitlines() if line.lstrip().startswith("#"))


# ---- paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_every_repository_path_a_doc_names_exists(doc):
    assert _missing_paths(_text(doc)) == []


@pytest.mark.parametrize("doc", ALL_DOCS, ids=_doc_id)
def test_every_link_of_a_doc_leads_to_a_file_of_the_repository(doc):
    targets = [
        target.split("#")[0]
        for target in LINK.findall(_text(doc))
        if not target.startswith(("http://", "https://", "mailto:", "#"))
    ]
    assert [target for target in targets if not (doc.parent / target).exists()] == []


def test_every_repository_path_in_the_codes_comments_and_docstrings_exists():
    missing = {}
    prose = {path: _prose_of_python(path) for path in _source_files(".py")}
    prose |= {path: _comments_of(path) for path in (REPO / "Makefile", *_source_files(".yaml"))}
    for path, text in prose.items():
        if found := _missing_paths(text):
            missing[str(path.relative_to(REPO))] = found
    assert missing == {}


# ---- commands ---------------------------------------------------------------------------------


MAKE_TARGETS = set(re.findall(r"^([\w-]+) *:(?!=)", MAKEFILE, re.M))


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_every_make_command_a_doc_gives_is_a_target_of_the_makefile(doc):
    named = {
        target for span in _code_spans(doc) for target in re.findall(r"\bmake ([a-z][\w-]*)", span)
    }
    assert named - MAKE_TARGETS == set()


def _module_source(module: str) -> str:
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"python -m {module}: no such module"
    if spec.origin is None:  # a library's module, served by an importer of its own
        return ""
    origin = Path(spec.origin)
    if origin.name == "__init__.py":
        origin = origin.with_name("__main__.py")
    return _text(origin) if origin.is_relative_to(REPO) else ""


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_every_python_module_a_doc_runs_exists_and_takes_the_options_given(doc):
    wrong = []
    for span in _code_spans(doc):
        for module, options in re.findall(
            r"python[\d.]* (?:-\S+ \S+ )*-m ([\w.]+)((?: --?[\w-]+)*)", span
        ):
            source = _module_source(module)
            # Options are checked against the project's own modules, not a library's.
            wrong += [
                f"python -m {module} {option}"
                for option in options.split()
                if source and option not in source
            ]
    assert wrong == []


def _makefile_lint_tools() -> set[str]:
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", MAKEFILE, re.M)
    assert recipe, "the Makefile lacks a lint target"
    return {Path(line.split()[0]).name for line in recipe.group(1).splitlines()}


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_what_a_doc_says_make_lint_runs_is_every_tool_of_the_makefiles_lint(doc):
    tools = _makefile_lint_tools()
    for said in re.findall(r"`make lint` runs ([^.(]*)", _text(doc)):
        assert {tool for tool in tools if tool not in said.lower()} == set(), said


# ---- tables and indexes -----------------------------------------------------------------------


TABLES = {model.Meta.base_name for model in ALL_MODELS}
INDEXES = {
    model.Meta.base_name: {index.Meta.index_name for index in model._indexes.values()}
    for model in ALL_MODELS
}
NUMBERS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14}


def test_the_data_model_lists_every_table_the_store_defines():
    listed = re.findall(r"^\| `([\w-]+)` \| `", _text(REPO / "docs" / "data-model.md"), re.M)
    assert sorted(listed) == sorted(TABLES)


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_every_count_of_the_tables_in_a_doc_is_the_stores(doc):
    text = _text(doc)
    counts = re.findall(rf"(?:\bthe |\()(\d+|{'|'.join(NUMBERS)}) tables\b", text, re.I)
    assert {int(NUMBERS.get(count.lower(), count)) for count in counts} <= {len(TABLES)}
    with_ttl = re.findall(r"\b(\d+) (?:tables )?with TTL\b", text)
    assert {int(count) for count in with_ttl} <= {len(TTL_MODELS)}
    indexes = re.findall(r"\bthe (\d+) indexes\b", text)
    assert {int(count) for count in indexes} <= {sum(map(len, INDEXES.values()))}


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_every_count_of_the_alarm_metrics_in_a_doc_is_the_one_the_cost_is_computed_with(doc):
    counts = re.findall(r"\b(\d+) (?:alarm metrics|here \(\$)", _text(doc))
    assert {int(count) for count in counts} <= {ALARM_METRICS}


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_every_index_a_doc_names_is_one_the_store_defines(doc):
    every_index = set().union(*INDEXES.values())
    wrong = []
    for span in _code_spans(doc):
        for table, index in re.findall(r"^([\w-]+)\.([\w-]+-index)$", span.strip("`")):
            if index not in INDEXES.get(table, set()):
                wrong.append(f"{table}.{index}")
        wrong += [
            index
            for index in re.findall(r"^([a-z-]+-index)$", span.strip("`"))
            if index not in every_index
        ]
    assert wrong == []


# ---- settings and names -----------------------------------------------------------------------


def _read_variables(source: str) -> set[str]:
    """The environment variables a Python file reads (as chalicelib/settings.py and the
    devserver do)."""
    return set(
        re.findall(
            r'(?:environ\.get|env\.get|environ\[|_int|_switch|_domains)\(?"([A-Z][A-Z0-9_]*)"',
            source,
        )
    )


SETTINGS_READ = _read_variables(_text(REPO / "chalicelib" / "settings.py"))
DEVSERVER_READS = set().union(
    *(_read_variables(_text(path)) for path in (REPO / "devserver").glob("*.py"))
)
MAKE_VARIABLES = set(re.findall(r"^([A-Z][A-Z0-9_]*) *\?=", MAKEFILE, re.M)) | set(
    re.findall(r"\$\(([A-Z][A-Z0-9_]*)\)", MAKEFILE)
)


def _readme_settings() -> list[str]:
    readme = _text(REPO / "README.md")
    table = readme.split("### Configuration (environment variables)", 1)[1].split("\n\n", 1)[0]
    return [
        name
        for row in table.splitlines()[3:]
        for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])
    ]


def test_every_setting_in_the_readmes_table_is_read_by_the_app_the_devserver_or_the_makefile():
    named = _readme_settings()
    assert named, "the README's settings table is empty or moved"
    assert set(named) - (SETTINGS_READ | DEVSERVER_READS | MAKE_VARIABLES) == set()


def test_every_setting_the_app_reads_is_described_in_the_docs():
    described = "\n".join(_text(doc) for doc in REFERENCE_DOCS)
    assert {name for name in SETTINGS_READ if f"`{name}" not in described} == set()


def _code_text() -> str:
    files = [REPO / "Makefile", REPO / ".chalice" / "config.json", REPO / ".ci" / "run"]
    files += (
        _source_files(".py") + _source_files(".yaml") + _source_files(".mjs") + _source_files(".js")
    )
    return "\n".join(_text(path) for path in files if path.exists())


CODE_WORDS = set(re.findall(r"\b[A-Z][A-Z0-9_]*\b", _code_text()))


@pytest.mark.parametrize("doc", REFERENCE_DOCS, ids=_doc_id)
def test_every_variable_and_constant_a_doc_names_is_in_the_code(doc):
    text = _text(doc)
    # A shell variable the doc's own commands set (`AGENT_ID=$(curl ...)`) is the doc's.
    own = set(re.findall(r"\b([A-Z][A-Z0-9_]*)=\$\(", text))
    named = {name for span in _code_spans(doc) for name in CONSTANT.findall(span)} - own
    assert named - CODE_WORDS == set()


# ---- the README's layout ----------------------------------------------------------------------


def _layout_row(folder: str) -> str:
    rows = [
        line
        for line in _text(REPO / "README.md").splitlines()
        if line.startswith(f"| `{folder}/` |")
    ]
    assert len(rows) == 1, f"the README's layout has no row of {folder}/"
    return rows[0].split("|", 2)[2]


def test_the_layout_names_every_module_of_chalicelib_and_nothing_else():
    named = set(re.findall(r"`([\w/]+)`", _layout_row("chalicelib")))
    folder = REPO / "chalicelib"
    modules = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    packages = {f"{path.name}/" for path in folder.iterdir() if (path / "__init__.py").exists()}
    assert named == modules | packages


def test_the_layout_names_every_tier_of_tests_and_what_each_runs_on():
    row = _layout_row("tests")
    named = re.findall(r"`(\w+)/`( \([^)]*(?:\([^)]*\)[^)]*)*\))?", row)
    tiers = {path.name for path in (REPO / "tests").iterdir() if any(path.glob("test_*.py"))}
    assert {name for name, _ in named} == tiers
    for name, described in named:
        conftest = REPO / "tests" / name / "conftest.py"
        setup = _text(conftest) if conftest.exists() else ""
        if "on moto" in described:
            # tests/conftest.py's `moto` fixture, or `tables` on it
            uses_moto = re.search(r"def \w+\([^)]*\b(?:moto|tables)\b", setup)
            assert uses_moto, f"tests/{name}/ is said to run on moto"
        if "in-memory store" in described:
            assert "MemoryStore" in setup, f"tests/{name}/ is said to run on the in-memory store"


def test_the_layout_names_every_doc():
    named = set(re.findall(r"`([\w./-]+)`", _layout_row("docs")))
    docs = {path.name for path in (REPO / "docs").glob("*.md")}
    folders = {f"{path.parent.name}/" for path in (REPO / "docs").glob("*/*.md")}
    assert docs | folders <= named
