// FalkorDB: the constraints and indexes of schema/graph.yaml, as the store applies them
// (GRAPH.CONSTRAINT lines are engine commands, not Cypher). Generated; to refresh run
// UPDATE_SNAPSHOTS=1 uv run pytest tests/unit/test_schema_files.py
CREATE INDEX FOR (n:Cluster) ON (n.id);
CREATE INDEX FOR (n:Organization) ON (n.id);
CREATE INDEX FOR (n:Person) ON (n.id);
CREATE INDEX FOR (n:Event) ON (n.id);
CREATE INDEX FOR (n:Initiative) ON (n.id);
CREATE INDEX FOR (n:Project) ON (n.id);
CREATE INDEX FOR (n:Topic) ON (n.id);
CREATE INDEX FOR (n:Sector) ON (n.id);
CREATE INDEX FOR (n:Region) ON (n.id);
CREATE INDEX FOR (n:Document) ON (n.id);
CREATE INDEX FOR (n:Cluster) ON (n.country);
CREATE INDEX FOR (n:Organization) ON (n.country);
CREATE INDEX FOR (n:Person) ON (n.country);
CREATE INDEX FOR (n:Event) ON (n.kind);
CREATE INDEX FOR (n:Event) ON (n.date);
CREATE INDEX FOR (n:Initiative) ON (n.status);
CREATE INDEX FOR (n:Document) ON (n.kind);
CREATE INDEX FOR ()-[r:INTERACTED]-() ON (r.id);
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Cluster PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Organization PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Person PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Event PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Initiative PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Project PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Topic PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Sector PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Region PROPERTIES 1 id;
GRAPH.CONSTRAINT CREATE crm UNIQUE NODE Document PROPERTIES 1 id;
