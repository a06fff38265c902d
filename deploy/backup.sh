#!/bin/sh
# Back up Peyvand's database into $PEYVAND_BACKUP_DIR and drop backups older than
# $PEYVAND_BACKUP_KEEP_DAYS days. SQLite: an online copy (`python -m dashboard backup`);
# PostgreSQL: pg_dump in custom format (restore with pg_restore, deploy/README.md).
# Never backs up INTRANET_KEY_DIR: a backup plus an open wave's key would reveal answers.
set -eu
cd "$(dirname "$0")/.."
dir=${PEYVAND_BACKUP_DIR:-/var/backups/peyvand}
keep=${PEYVAND_BACKUP_KEEP_DAYS:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
url=${DATABASE_URL:-sqlite:///data/peyvand.db}
mkdir -p "$dir"
case "$url" in
  sqlite*)
    "${PEYVAND_PYTHON:-.venv/bin/python}" -m dashboard backup "$dir/peyvand-$stamp.db"
    ;;
  postgresql*)
    # pg_dump takes a libpq URL: drop SQLAlchemy's "+psycopg" driver suffix.
    pg_dump --format=custom --file="$dir/peyvand-$stamp.dump" \
      "$(printf '%s' "$url" | sed 's/^postgresql+[a-z0-9]*:/postgresql:/')"
    # The admin's home page shows when the last backup was made (SQLite's backup
    # command records it itself).
    "${PEYVAND_PYTHON:-.venv/bin/python}" -m dashboard record-backup "$dir/peyvand-$stamp.dump"
    ;;
  *)
    echo "backup.sh: unsupported DATABASE_URL scheme" >&2
    exit 2
    ;;
esac
find "$dir" -maxdepth 1 -name 'peyvand-*' -mtime +"$keep" -delete
echo "backup written to $dir (kept $keep days)"
