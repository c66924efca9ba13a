"""`rfp ingest` / `python -m ingest`: folders of RFPs, amendments, proposals, the FAR and code
tables into a Qdrant collection; and the watcher service that ingests a drop folder."""
