// Runs tests/pyodide/calls.py in Pyodide (the Python of xlwings Lite) and prints its JSON.
// node run.mjs NODE_MODULES_DIR WHEEL_DIR CALLS_PY [PERSONAL_DIR]: every wheel of WHEEL_DIR is
// loaded first; a PERSONAL_DIR (xlwings Lite's personal modules) is mounted and imported instead
// of an installed sizing_xl.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, wheels, calls, personal] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(modules, "pyodide", "pyodide.mjs")).href);
const started = performance.now();
const py = await loadPyodide({ stdout: () => {}, stderr: (line) => console.error(line) });
const files = readdirSync(wheels).filter((f) => f.endsWith(".whl")).map((f) => join(wheels, f));
await py.loadPackage(files.map((f) => pathToFileURL(f).href), { messageCallback: () => {} });
if (personal) {
  py.FS.mkdirTree("/personal");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: personal }, "/personal");
  py.runPython(
    "import os, sys; sys.path.insert(0, '/personal'); " +
      "os.environ['SIZING_UDF_MODULE'] = 'sizing_functions'",
  );
}
const loaded = performance.now();
const code = readFileSync(calls, "utf-8").replace(/\nif __name__ == "__main__":[\s\S]*$/, "\n");
await py.runPythonAsync(code);
const result = await py.runPythonAsync("import json\njson.dumps(await call_all())");
const out = JSON.parse(result);
out.load_seconds = (loaded - started) / 1000;
out.python = py.runPython("import sys; sys.version.split()[0]");
console.log(JSON.stringify(out));
