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
      new Model(doc).validate(); // throws with every schema violation (types, required, unknown fields)
      console.log(`ok:   ${what}`);
    } catch (e) {
      fail(what, e.message);
    }
  });
}
console.log(`kubernetes schema: ${checked} objects, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
