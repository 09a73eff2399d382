#!/bin/sh
# Run once by the postgres image, on the first start with an empty data volume: one
# gradebook database per course (ISOKO_GRADEBOOK_DATABASES, from compose.yaml), owned
# by the same user as the hub's database. A course added later needs its own
#   docker compose -f docker/compose.yaml exec db createdb -U isoko gradebook_<course>
set -eu
for database in ${ISOKO_GRADEBOOK_DATABASES:-}; do
  echo "Creating the gradebook database $database"
  createdb --username="$POSTGRES_USER" --owner="$POSTGRES_USER" "$database"
done
