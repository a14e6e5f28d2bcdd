// Neo4j 5: the constraints and indexes of schema/graph.yaml, as the store applies them
// (a unique constraint brings its own index). Generated; to refresh run
// UPDATE_SNAPSHOTS=1 uv run pytest tests/unit/test_schema_files.py
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Cluster) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Organization) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Person) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Event) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Initiative) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Project) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Topic) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Sector) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Region) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Document) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Organization) REQUIRE (n.vatId) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Organization) REQUIRE (n.nameKey) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:Person) REQUIRE (n.emailKey) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR (n:ChangeSequence) REQUIRE (n.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR ()-[r:INTERACTED]-() REQUIRE (r.id) IS UNIQUE;
CREATE CONSTRAINT IF NOT EXISTS FOR ()-[r:CHANGE]-() REQUIRE (r.sequence) IS UNIQUE;
CREATE INDEX IF NOT EXISTS FOR (n:Cluster) ON (n.country);
CREATE INDEX IF NOT EXISTS FOR (n:Organization) ON (n.country);
CREATE INDEX IF NOT EXISTS FOR (n:Person) ON (n.country);
CREATE INDEX IF NOT EXISTS FOR (n:Event) ON (n.kind);
CREATE INDEX IF NOT EXISTS FOR (n:Event) ON (n.date);
CREATE INDEX IF NOT EXISTS FOR (n:Initiative) ON (n.status);
CREATE INDEX IF NOT EXISTS FOR (n:Document) ON (n.kind);
CREATE INDEX IF NOT EXISTS FOR (n:Cluster) ON (n.mergedIds);
CREATE INDEX IF NOT EXISTS FOR (n:Organization) ON (n.mergedIds);
CREATE INDEX IF NOT EXISTS FOR (n:Person) ON (n.mergedIds);
CREATE FULLTEXT INDEX fulltext_Cluster IF NOT EXISTS FOR (n:Cluster) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Organization IF NOT EXISTS FOR (n:Organization) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Person IF NOT EXISTS FOR (n:Person) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Event IF NOT EXISTS FOR (n:Event) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Initiative IF NOT EXISTS FOR (n:Initiative) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Project IF NOT EXISTS FOR (n:Project) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Topic IF NOT EXISTS FOR (n:Topic) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Sector IF NOT EXISTS FOR (n:Sector) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Region IF NOT EXISTS FOR (n:Region) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX fulltext_Document IF NOT EXISTS FOR (n:Document) ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
