"""Backups that restore: consistent copies of the database in a checksummed, optionally
encrypted file (`archive`), made and restored with each database's own tools (`dumps`),
scheduled daily with retention (`retention`), and the operations the CLI calls (`service`)."""
