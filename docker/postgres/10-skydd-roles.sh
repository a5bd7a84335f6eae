#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d).
# Two roles: skydd_owner owns the database and runs the migrations; skydd_app is what the
# web, worker and beat containers connect as (no superuser, owns nothing; `migrate` grants it
# full DML on the tables but only SELECT and INSERT on the access log).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner_pw="$SKYDD_OWNER_PASSWORD" -v app_pw="$SKYDD_APP_PASSWORD" <<'SQL'
CREATE ROLE skydd_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_pw';
CREATE ROLE skydd_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_pw';
CREATE DATABASE skydd OWNER skydd_owner;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname skydd <<'SQL'
ALTER SCHEMA public OWNER TO skydd_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE skydd FROM PUBLIC;
GRANT CONNECT ON DATABASE skydd TO skydd_app;
SQL
