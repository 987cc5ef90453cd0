#!/usr/bin/env bash
# Creates the topic catalog on the docker-compose broker with the apache/kafka image's own tools.
# Kubernetes installs run `Streaming.Gateway create-topics` instead (the Helm hook Job), which reads
# the catalog from Streaming.Contracts; keep this list equal to that catalog.
# Idempotent: existing topics are left as they are.
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
REPLICATION="${TOPIC_REPLICATION_FACTOR:-1}"
TOPICS_CLI=/opt/kafka/bin/kafka-topics.sh

DAY_MS=86400000

# name partitions cleanup.policy retention.ms
catalog=(
    "events.raw           12 delete  $((7 * DAY_MS))"
    "events.rejected       3 delete  $((30 * DAY_MS))"
    "events.identified    12 delete  $((7 * DAY_MS))"
    "identity.merges      12 delete  $((30 * DAY_MS))"
    "profiles.changes     12 delete  $((7 * DAY_MS))"
    "messages.receipts    12 delete  $((7 * DAY_MS))"
    "dispatch.push        12 delete  $((3 * DAY_MS))"
    "dispatch.sms         12 delete  $((3 * DAY_MS))"
    "dispatch.email       12 delete  $((3 * DAY_MS))"
    "dispatch.webhook     12 delete  $((3 * DAY_MS))"
    "config.definitions    1 compact -1"
)

# Every consumed topic has a dead-letter topic: one partition, 30 days.
consumed=(events.raw events.identified identity.merges profiles.changes messages.receipts
          dispatch.push dispatch.sms dispatch.email dispatch.webhook)
for topic in "${consumed[@]}"; do
    catalog+=("$topic.dlq 1 delete $((30 * DAY_MS))")
done

echo "create-topics: waiting for $BOOTSTRAP"
for attempt in $(seq 1 60); do
    if "$TOPICS_CLI" --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; then break; fi
    if [[ $attempt == 60 ]]; then echo "create-topics: $BOOTSTRAP unreachable after 120 s" >&2; exit 1; fi
    sleep 2
done

for entry in "${catalog[@]}"; do
    read -r name partitions cleanup retention <<<"$entry"
    configs=(--config "cleanup.policy=$cleanup")
    if [[ $cleanup == delete ]]; then configs+=(--config "retention.ms=$retention"); fi
    "$TOPICS_CLI" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
        --partitions "$partitions" --replication-factor "$REPLICATION" "${configs[@]}"
    echo "create-topics: $name ($partitions partitions, $cleanup)"
done
echo "create-topics: done"
