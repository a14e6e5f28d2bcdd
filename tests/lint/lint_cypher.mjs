// Lints Cypher statements with Neo4j's own parser and semantic analysis, offline.
//
// stdin: {"schema": DbSchema without parameters, procedures or functions,
//         "plugins": [prefixes of plugin procedures/functions the server has, e.g. "gds."],
//         "statements": [{"id": any, "query": text, "parameters": {name: sample value},
//                         "mapKeys": [keys of the maps inside the parameters]}]}
// stdout: [{"id": any, "diagnostics": [{"severity": "error"|"warning", "message", "offset"}]}]
//         for the statements that have any diagnostics.
// With --lines, a statement at a time: the first line of stdin is the request without its
// statements, then one statement a line; for each, one line of stdout, its id and diagnostics
// (an empty list when it is clean), as soon as it is linted.
//
// Procedures and functions are those of a Neo4j 5 server as the package records them, less the
// plugins (APOC, GDS) the deployment does not install, so a call the server lacks is an error.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const VERSION = 'CYPHER 5';
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const PLUGIN_PREFIXES = ['apoc.', 'gds.'];

function builtIns(registry, plugins) {
  const kept = Object.entries(registry[VERSION]).filter(
    ([name]) =>
      !PLUGIN_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
      plugins.some((prefix) => name.startsWith(prefix)),
  );
  return { [VERSION]: Object.fromEntries(kept) };
}

function schemaOf(request) {
  return {
    ...request.schema,
    defaultLanguage: VERSION,
    functions: builtIns(testData.mockSchema.functions, request.plugins),
    procedures: builtIns(testData.mockSchema.procedures, request.plugins),
  };
}

function diagnosticsOf(schema, statement) {
  const { diagnostics } = lintCypherQuery(statement.query, {
    ...schema,
    parameters: statement.parameters,
    // `row.from` of `UNWIND $rows AS row` reads a key of a parameter's map, not a property.
    propertyKeys: [...schema.propertyKeys, ...statement.mapKeys],
  });
  return diagnostics.map((diagnostic) => ({
    severity: SEVERITY[diagnostic.severity] ?? String(diagnostic.severity),
    message: diagnostic.message,
    offset: diagnostic.offsets.start,
  }));
}

if (process.argv.includes('--lines')) {
  let schema = null;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (schema === null) {
      schema = schemaOf(JSON.parse(line));
      continue;
    }
    const statement = JSON.parse(line);
    const diagnostics = diagnosticsOf(schema, statement);
    process.stdout.write(JSON.stringify({ id: statement.id, diagnostics }) + '\n');
  }
} else {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const schema = schemaOf(input);
  const report = [];
  for (const statement of input.statements) {
    const diagnostics = diagnosticsOf(schema, statement);
    if (diagnostics.length > 0) {
      report.push({ id: statement.id, diagnostics });
    }
  }
  process.stdout.write(JSON.stringify(report));
}
