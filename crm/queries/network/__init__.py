"""The Cypher of the network questions: tie strength, introductions, brokers, gaps, partners,
communities; every statement answers as the graph stood on an ``asOf`` date."""
