"""What the graph tells beyond its records: search, dashboard figures, initiative lineage."""
