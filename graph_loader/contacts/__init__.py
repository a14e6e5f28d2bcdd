"""Contact imports: people from address books (vCard 3 and 4) and from CSV files exported by
other tools (through a column-mapping file), with their organisations and jobs, validated and
written all or nothing as ``crm load`` does (``graph_loader.contacts.importer``)."""
