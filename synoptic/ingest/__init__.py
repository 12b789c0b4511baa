"""Entry-file ingestion: parser (pure), inbox processing, watcher."""
