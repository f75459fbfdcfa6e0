/**
 * Migration 2: a call id is unique within its ticket only (the embedded store numbers calls from 1
 * again after a restart), so legs and transfers are keyed by ticket and call.
 */
export default `
ALTER TABLE contact_legs DROP CONSTRAINT contact_legs_pkey;
ALTER TABLE contact_legs ADD PRIMARY KEY (ticket_id, call_id);
ALTER TABLE contact_transfers DROP CONSTRAINT contact_transfers_pkey;
ALTER TABLE contact_transfers ADD PRIMARY KEY (ticket_id, from_call_id);
`;
