// The SQL console: DuckDB-WASM over the site's own copy of the database, read-only, offline.
// The engine and the data come from this site; extensions are never installed or loaded.
import { AsyncDuckDB, VoidLogger } from "@duckdb/duckdb-wasm";

const form = document.getElementById("sql-form");
const input = document.getElementById("sql-input");
const run = document.getElementById("sql-run");
const status = document.getElementById("sql-status");
const result = document.getElementById("sql-result");
const csvLink = document.getElementById("sql-csv");
const base = new URL("./duckdb/", import.meta.url);
const dataUrl = new URL("../data/iran-hamas-relations.duckdb.gz", import.meta.url);

function plain(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") return JSON.stringify(value, (k, v) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

function csvCell(text) { return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text; }

function render(table) {
  const names = table.schema.fields.map((f) => f.name);
  const rows = table.toArray().map((row) => names.map((n) => plain(row[n])));
  const tbl = document.createElement("table");
  tbl.className = "list";
  const head = tbl.createTHead().insertRow();
  for (const n of names) { const th = document.createElement("th"); th.scope = "col"; th.textContent = n; head.appendChild(th); }
  const body = tbl.createTBody();
  for (const r of rows) { const tr = body.insertRow(); for (const c of r) tr.insertCell().textContent = c; }
  result.replaceChildren(tbl);
  const csv = [names, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
  if (csvLink.href.startsWith("blob:")) URL.revokeObjectURL(csvLink.href);
  csvLink.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  csvLink.hidden = false;
  status.textContent = `${rows.length} row${rows.length === 1 ? "" : "s"}`;
}

async function open() {
  const worker = new Worker(new URL("duckdb-browser-eh.worker.js", base));
  const db = new AsyncDuckDB(new VoidLogger(), worker);
  await db.instantiate(new URL("duckdb-eh.wasm", base).href);
  const response = await fetch(dataUrl);
  if (!response.ok) throw new Error(`the database could not be loaded (${response.status})`);
  const bytes = new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  await db.registerFileBuffer("iran-hamas-relations.duckdb", bytes);
  const con = await db.connect();
  await con.query("SET autoinstall_known_extensions = false");
  await con.query("SET autoload_known_extensions = false");
  await con.query("ATTACH 'iran-hamas-relations.duckdb' AS ihr (READ_ONLY)");
  await con.query("USE ihr");
  return con;
}

const ready = open();
ready.then(() => { run.disabled = false; run.textContent = "Run"; status.textContent = "Ready."; document.body.dataset.sqlReady = "true"; },
           (err) => { run.textContent = "Unavailable"; status.textContent = `The database could not be opened: ${err.message}`; });

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const con = await ready;
  run.disabled = true;
  status.textContent = "Running…";
  try { render(await con.query(input.value)); }
  catch (err) { result.replaceChildren(); csvLink.hidden = true; status.textContent = `Error: ${err.message}`; }
  finally { run.disabled = false; }
});

for (const button of document.querySelectorAll("#sql-examples button.example")) {
  button.addEventListener("click", () => { input.value = button.dataset.sql; form.requestSubmit(); });
}
