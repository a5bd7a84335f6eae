#!/bin/sh
# Runs once, when the primary's volume is first initialised (docker-entrypoint-initdb.d).
# Streaming replication for the two copies of docker-compose.yml: `postgres-standby` (the
# failover copy) and `postgres-statistics` (the read replica of the statistics figures).
# skydd_replicator may only stream the WAL (REPLICATION, no superuser, no database access
# of its own), and only with its password; each copy has a physical slot, so the primary
# keeps the WAL a copy has not received yet – at most max_slot_wal_keep_size
# (docker-compose.yml), so that a copy that is gone cannot fill the primary's disk.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v repl_pw="$SKYDD_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE skydd_replicator LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'repl_pw';
SELECT pg_create_physical_replication_slot('standby');
SELECT pg_create_physical_replication_slot('statistics');
SQL
echo "host replication skydd_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
