#!/bin/sh
# A streaming copy of the primary (docker-compose.yml: postgres-standby, postgres-statistics).
# On an empty volume it takes a base backup of `postgres` as skydd_replicator through its
# slot (REPLICATION_SLOT); `-R` writes standby.signal and the connection to the primary, so
# the server starts as a read-only hot standby. The roles, grants and pg_hba.conf are the
# primary's: the app still connects as skydd_app, and the copy refuses every write.
# Promotion (the standby becoming the primary) is a deliberate act: README "Operations".
set -eu
: "${REPLICATION_SLOT:?}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h postgres -p 5432 -q; do sleep 1; done
    PGPASSWORD="$SKYDD_REPLICATION_PASSWORD" pg_basebackup -h postgres -p 5432 \
        -U skydd_replicator -D "$PGDATA" -S "$REPLICATION_SLOT" -X stream -R --no-password
    chmod 0700 "$PGDATA"
fi
[ "${1:-}" = postgres ] && shift
# A hot standby refuses to run with fewer connections than the primary allows.
exec postgres -c hot_standby=on -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}" "$@"
