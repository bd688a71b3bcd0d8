"""Alembic migrations: the only way Aurelius schemas are created or changed.

HEAD names the newest revision so start-up can check the schema without loading Alembic;
a test keeps it equal to Alembic's own head.
"""

from pathlib import Path

HEAD = "0010"
LOCATION = Path(__file__).parent
