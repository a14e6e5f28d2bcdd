// Lints Cypher statements with Neo4j's own parser and semantic analysis, offline.
//
// stdin: {"schema": DbSchema without parameters, procedures or functions,
//         "plugins": [prefixes of plugin procedures/functions the server has, e.g. "gds."],
//         "statements": [{"id": any, "query": text, "parameters": {name: sample value},
//                         "mapKeys": [keys of the maps inside the parameters]}]}
// stdout: [{"id": any, "diagnostics": [{"severity": "error"|"warning", "message", "offset"}]}]
//         for the statements that have any diagnostics.
//
// Procedures and functions are those of a Neo4j 5 server as the package records them, less the
// plugins (APOC, GDS) the deployment does not install, so a call the server lacks is an error.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const VERSION = 'CYPHER 5';
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const PLUGIN_PREFIXES = ['apoc.', 'gds.'];

const input = JSON.parse(readFileSync(0, 'utf8'));

// The package compares the whole registry as JSON before every statement, and the analysis
// slows with its size: only the names some statement mentions are kept (a name no statement
// mentions cannot change a verdict). Function names are matched without case, as Cypher does.
const mentioned = input.statements.map((statement) => statement.query.toLowerCase()).join('\n');

function builtIns(registry) {
  const kept = Object.entries(registry[VERSION]).filter(
    ([name]) =>
      (!PLUGIN_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
        input.plugins.some((prefix) => name.startsWith(prefix))) &&
      mentioned.includes(name.toLowerCase()),
  );
  return { [VERSION]: Object.fromEntries(kept) };
}

const schema = {
  ...input.schema,
  defaultLanguage: VERSION,
  functions: builtIns(testData.mockSchema.functions),
  procedures: builtIns(testData.mockSchema.procedures),
};

const report = [];
for (const statement of input.statements) {
  const { diagnostics } = lintCypherQuery(statement.query, {
    ...schema,
    parameters: statement.parameters,
    // `row.from` of `UNWIND $rows AS row` reads a key of a parameter's map, not a property.
    propertyKeys: [...schema.propertyKeys, ...statement.mapKeys],
  });
  if (diagnostics.length > 0) {
    report.push({
      id: statement.id,
      diagnostics: diagnostics.map((diagnostic) => ({
        severity: SEVERITY[diagnostic.severity] ?? String(diagnostic.severity),
        message: diagnostic.message,
        offset: diagnostic.offsets.start,
      })),
    });
  }
}
process.stdout.write(JSON.stringify(report));
