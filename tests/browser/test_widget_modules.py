"""How the widget's and the console's modules depend on each other: imports run one way, so that
each part can be read, tested and changed from the parts below it."""

from __future__ import annotations

import json
import subprocess

from tests.browser.support import REPO_ROOT

# The bundles esbuild makes (widget/build.mjs); the snippet's own scripts import nothing.
ENTRY_POINTS = ["widget/src/chat.js", "widget/console/src/console.js"]

# esbuild resolves the imports as the build does and names each module's in its metafile.
IMPORT_GRAPH = """
import * as esbuild from "esbuild";
const result = await esbuild.build({
  entryPoints: JSON.parse(process.argv[1]),
  bundle: true,
  write: false,
  outdir: "unused",
  metafile: true,
  logLevel: "silent",
});
const graph = Object.fromEntries(
  Object.entries(result.metafile.inputs).map(([path, input]) => [
    path,
    input.imports.filter((i) => !i.external).map((i) => i.path),
  ])
);
console.log(JSON.stringify(graph));
"""


def import_graph(entry_points: list[str]) -> dict[str, list[str]]:
    run = subprocess.run(
        ["node", "--input-type=module", "-e", IMPORT_GRAPH, json.dumps(entry_points)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(run.stdout)


def import_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The cycles a depth-first walk meets, each as [a, b, …, a]: none when imports run one way."""
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for imported in graph.get(module, []):
            if imported in path:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in done:
                visit(imported, [*path, imported])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return cycles


def test_cycles_are_found_where_imports_come_back():
    graph = {"a.js": ["b.js"], "b.js": ["c.js"], "c.js": ["a.js", "d.js"], "d.js": []}
    assert import_cycles(graph) == [["a.js", "b.js", "c.js", "a.js"]]
    assert import_cycles({"a.js": ["b.js", "c.js"], "b.js": ["c.js"], "c.js": []}) == []


def test_no_module_of_the_widget_or_the_console_imports_itself_back():
    graph = import_graph(ENTRY_POINTS)
    assert "widget/src/chat/view.js" in graph  # the graph reaches the chat window's parts
    cycles = [" -> ".join(cycle) for cycle in import_cycles(graph)]
    assert cycles == []


def test_the_chat_windows_view_is_at_the_bottom_of_its_parts():
    view_imports = import_graph(["widget/src/chat/view.js"])["widget/src/chat/view.js"]
    parts = [path for path in view_imports if path.startswith("widget/src/chat/")]
    assert parts == ["widget/src/chat/context.js"]
