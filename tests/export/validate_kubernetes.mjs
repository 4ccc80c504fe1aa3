// SPDX-License-Identifier: MIT
// Validates every Kubernetes object in the YAML files of a directory against the Kubernetes OpenAPI schemas
// shipped by npm kubernetes-models. Usage: node validate_kubernetes.mjs CACHE DIR (CACHE holds node_modules).
// Prints one "ok:" or "FAIL:" line per object; exits 1 if any object (or file) failed.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [cache, dir] = process.argv.slice(2);
// The packages live in a cache outside this file's ancestors, so resolve them from there, not from here.
const require = createRequire(join(cache, "node_modules", "_"));
const yaml = require("js-yaml");

// kubernetes-models lays its classes out as <group>/<version>/<Kind> ("v1/Service", "apps/v1/Deployment"),
// which is apiVersion/kind: derive the module rather than keep a table that misses the next kind exported.
function modelFor(apiVersion, kind) {
  if (!/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
  } catch {
    return undefined;
  }
}

// The schemas allow unknown fields, but the API server's strict field validation (kubectl's default) rejects
// them, and a misspelt field would otherwise be dropped in silence. The compiled validators read every field
// their schema defines, so validating through Proxies that record reads leaves exactly the unknown ones unread.
function validateStrict(model) {
  const reads = new Map(); // object -> { path, read: Set of keys }, one Proxy per object
  const proxies = new Map();
  const wrap = (value, path) => {
    if (value === null || typeof value !== "object") return value;
    if (!proxies.has(value)) {
      const read = new Set();
      reads.set(value, { path, read });
      proxies.set(value, new Proxy(value, {
        get(target, key) {
          if (typeof key !== "string" || !Object.hasOwn(target, key)) return Reflect.get(target, key);
          read.add(key);
          return wrap(target[key], `${path}/${key}`);
        },
      }));
    }
    return proxies.get(value);
  };
  wrap(model, "").validate(); // throws with every schema violation (types, enums, required fields)
  const unknown = [];
  for (const [object, { path, read }] of reads) {
    if (!Array.isArray(object)) unknown.push(...Object.keys(object).filter((k) => !read.has(k)).map((k) => `${path}/${k}`));
  }
  if (unknown.length) throw new Error(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
  // Not in the schema (generateName is the alternative), but the server needs it and tfrun always sets it.
  if (typeof model.metadata?.name !== "string" || model.metadata.name === "") throw new Error("no metadata.name");
}

let failed = 0;
let checked = 0;
const fail = (what, why) => { failed++; console.log(`FAIL: ${what}: ${why}`); };

const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
if (files.length === 0) fail(dir, "no YAML files");
for (const file of files) {
  let docs;
  try {
    docs = yaml.loadAll(readFileSync(join(dir, file), "utf8"));
  } catch (e) {
    fail(file, `YAML: ${e.message.split("\n")[0]}`);
    continue;
  }
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return; // an empty document between "---" lines
    const what = `${file}#${i} ${doc?.kind ?? "?"}/${doc?.metadata?.name ?? "?"}`;
    checked++;
    if (typeof doc !== "object" || Array.isArray(doc)) return fail(what, "not a mapping");
    const Model = modelFor(doc.apiVersion, doc.kind);
    if (!Model) return fail(what, `no schema for apiVersion ${JSON.stringify(doc.apiVersion)} kind ${JSON.stringify(doc.kind)}`);
    try {
      validateStrict(new Model(doc));
      console.log(`ok:   ${what}`);
    } catch (e) {
      fail(what, e.message);
    }
  });
}
console.log(`kubernetes schema: ${checked} objects, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
