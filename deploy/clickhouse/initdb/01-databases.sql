-- Runs once, on the first start of the docker-compose ClickHouse (empty data volume).
-- The tables and the BI views are created by `Streaming.Analytics migrate`.
CREATE DATABASE IF NOT EXISTS streaming;
CREATE DATABASE IF NOT EXISTS bi;
