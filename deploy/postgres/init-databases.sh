#!/bin/sh
# Runs once, when the postgres container starts on an empty data volume (mounted into
# /docker-entrypoint-initdb.d/). Each service owns its database; identity is shared through
# shared/identity. Schemas come later from `treffpunkt migrate` (the migrate container).
set -eu
for db in identity calendar rooms notify engagement; do
  echo "creating database $db"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\" ENCODING 'UTF8' TEMPLATE template0"
done
