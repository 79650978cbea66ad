"""The register's entities: models, schemas, declarations, queries and writes."""
