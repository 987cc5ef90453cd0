-- Message receipts arrive from messages.receipts (issue 20): the provider's message id is kept with
-- each receipt, and bi.messages shows one row per receipt (a receipt announced again after a
-- redelivery has the same receipt_id; the earliest is kept).
ALTER TABLE {db}.messages ADD COLUMN IF NOT EXISTS provider_message_id String DEFAULT '';

CREATE OR REPLACE VIEW {bi}.messages AS
SELECT
    tenant,
    receipt_id,
    argMin(request_id, first_at) AS request_id,
    argMin(person_id, first_at) AS person_id,
    argMin(channel, first_at) AS channel,
    argMin(status, first_at) AS status,
    argMin(journey_id, first_at) AS journey_id,
    argMin(error, first_at) AS error,
    argMin(provider_message_id, first_at) AS provider_message_id,
    min(first_at) AS at
FROM (SELECT *, at AS first_at FROM {db}.messages)
GROUP BY tenant, receipt_id;
