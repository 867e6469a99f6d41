// Bundle the SQL console and copy the DuckDB-WASM engine (its `eh` build) into <out>/assets.
// Usage: node site/build.mjs <out-dir>. Nothing is fetched: everything comes from node_modules.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) { console.error("usage: node site/build.mjs <out-dir>"); process.exit(2); }
const assets = join(out, "assets");
mkdirSync(join(assets, "duckdb"), { recursive: true });
const dist = join(here, "node_modules", "@duckdb", "duckdb-wasm", "dist");
for (const name of ["duckdb-eh.wasm", "duckdb-browser-eh.worker.js"]) copyFileSync(join(dist, name), join(assets, "duckdb", name));
await build({
  entryPoints: [join(here, "src", "sql-console.js")], bundle: true, format: "esm", minify: true,
  outfile: join(assets, "sql-console.js"), legalComments: "linked", logLevel: "warning",
});
