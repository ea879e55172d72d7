-- shadowtap sensor database, schema version 2 (PRAGMA user_version = 2).
-- Written only by the sensor's writer (lib/store/store_write.c); the
-- dashboard and the report open it read-only (lib/store/store_query.c).
-- Times are integer microseconds since the Unix epoch (UTC).
--
-- Privacy (docs/PRIVACY.md): no table but `identities` holds a client
-- address.  Clients appear as keyed pseudonyms ("c-" + 16 hex) that change
-- when the pseudonym key rotates (`epochs`).  Server addresses of AI
-- services are not personal data and stay.  URLs carry no query string and
-- user agents only a family unless the configuration says otherwise
-- (recorded in meta: url_query, user_agent).
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- Catalog entries as loaded (written at start and on every reload), so the
-- readers show vendor, country and residency without parsing rules/.
CREATE TABLE IF NOT EXISTS catalog (
  service          TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  vendor           TEXT,
  category         TEXT,
  country          TEXT,
  eu_residency     INTEGER,            -- 1 yes, 0 no, NULL unknown
  tenant_ambiguous INTEGER NOT NULL DEFAULT 0,
  client_type      TEXT,               -- web, api, agent, ...
  verdict          TEXT NOT NULL,      -- the policy's default verdict now
  updated          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS flows (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER NOT NULL,
  ts_start       INTEGER NOT NULL,
  ts_end         INTEGER NOT NULL,
  client_pseudo  TEXT NOT NULL,
  zone           TEXT,
  dest_ip        TEXT NOT NULL,
  dest_port      INTEGER,
  proto          TEXT NOT NULL,
  app_proto      TEXT,
  vlan           INTEGER,
  host           TEXT,
  host_source    TEXT,
  tls_version    TEXT,
  alpn           TEXT,
  ja3            TEXT,
  ja4            TEXT,
  ech            INTEGER NOT NULL DEFAULT 0,
  quic_version   TEXT,
  http_method    TEXT,
  pkts_toserver  INTEGER NOT NULL,
  pkts_toclient  INTEGER NOT NULL,
  bytes_toserver INTEGER NOT NULL,
  bytes_toclient INTEGER NOT NULL,
  upload_bytes   INTEGER NOT NULL DEFAULT 0,
  state          TEXT NOT NULL,
  reason         TEXT NOT NULL,
  service        TEXT,               -- catalog id when attributed
  verdict        TEXT
);
CREATE INDEX IF NOT EXISTS flows_ts ON flows(ts_start);
CREATE INDEX IF NOT EXISTS flows_service ON flows(service, ts_start);
CREATE INDEX IF NOT EXISTS flows_client ON flows(client_pseudo, ts_start);
CREATE INDEX IF NOT EXISTS flows_host ON flows(host);
CREATE TABLE IF NOT EXISTS dns (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER NOT NULL,
  ts             INTEGER NOT NULL,
  client_pseudo  TEXT NOT NULL,
  zone           TEXT,
  dest_ip        TEXT NOT NULL,      -- the resolver
  proto          TEXT NOT NULL,
  dns_id         INTEGER,
  rrname         TEXT NOT NULL,
  rrtype         TEXT,
  rcode          TEXT,
  answers        TEXT,               -- JSON array
  ttl_min        INTEGER,
  answered       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dns_ts ON dns(ts);
CREATE INDEX IF NOT EXISTS dns_name ON dns(rrname);
CREATE TABLE IF NOT EXISTS http (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER NOT NULL,
  ts             INTEGER NOT NULL,
  client_pseudo  TEXT NOT NULL,
  zone           TEXT,
  dest_ip        TEXT NOT NULL,
  dest_port      INTEGER,
  hostname       TEXT,
  url            TEXT,               -- scheme-less path, query dropped by default
  method         TEXT,
  user_agent     TEXT,               -- family ("Chrome 131") by default
  content_type   TEXT,
  content_length INTEGER,             -- the request's
  status         INTEGER,            -- the response's status code
  resp_length    INTEGER             -- the response's Content-Length (added in v2 by ALTER)
);
CREATE INDEX IF NOT EXISTS http_ts ON http(ts);
CREATE TABLE IF NOT EXISTS stats (
  ts             INTEGER NOT NULL,
  name           TEXT NOT NULL,
  value          INTEGER NOT NULL,
  PRIMARY KEY (ts, name)
) WITHOUT ROWID;
-- One row per AI flow (kind 'flow') and per DNS lookup of an AI name
-- (kind 'lookup').
CREATE TABLE IF NOT EXISTS ai_events (
  id               INTEGER PRIMARY KEY,
  flow_id          INTEGER NOT NULL,
  ts               INTEGER NOT NULL,
  kind             TEXT NOT NULL DEFAULT 'flow',
  client_pseudo    TEXT NOT NULL,
  zone             TEXT,
  dest_ip          TEXT NOT NULL,
  dest_port        INTEGER,
  proto            TEXT NOT NULL,
  app_proto        TEXT,
  service          TEXT NOT NULL,
  name             TEXT,
  vendor           TEXT,
  category         TEXT,
  host             TEXT,
  matched_by       TEXT NOT NULL,
  confidence       INTEGER NOT NULL,
  verdict          TEXT NOT NULL,
  rule             TEXT,
  exception        TEXT,
  exception_expired INTEGER NOT NULL DEFAULT 0,
  policy_version   TEXT,
  tenant_ambiguous INTEGER NOT NULL DEFAULT 0,
  bytes_up         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ai_ts ON ai_events(ts);
CREATE INDEX IF NOT EXISTS ai_service ON ai_events(service, ts);
CREATE INDEX IF NOT EXISTS ai_client ON ai_events(client_pseudo, ts);
CREATE TABLE IF NOT EXISTS alerts (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER,
  ts             INTEGER NOT NULL,
  client_pseudo  TEXT,
  zone           TEXT,
  dest_ip        TEXT,
  dest_port      INTEGER,
  kind           TEXT NOT NULL,      -- vocab alert_kind
  severity       TEXT NOT NULL,      -- vocab severity
  rule           TEXT,
  signature      TEXT,
  service        TEXT,
  verdict        TEXT,
  dlp_class      TEXT,
  detector       TEXT,
  confidence     INTEGER,
  evidence       TEXT,               -- masked, never the value
  fingerprint    TEXT,               -- keyed hash of the value
  bytes          INTEGER,
  detail         TEXT                -- JSON: document, member, file name
);
CREATE INDEX IF NOT EXISTS alerts_ts ON alerts(ts);
CREATE INDEX IF NOT EXISTS alerts_kind ON alerts(kind, ts);
CREATE INDEX IF NOT EXISTS alerts_service ON alerts(service, ts);
CREATE TABLE IF NOT EXISTS visibility (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER,
  ts             INTEGER NOT NULL,
  client_pseudo  TEXT,
  zone           TEXT,
  dest_ip        TEXT,
  dest_port      INTEGER,
  kind           TEXT NOT NULL,      -- vocab visibility
  detail         TEXT
);
CREATE INDEX IF NOT EXISTS visibility_ts ON visibility(ts);
CREATE TABLE IF NOT EXISTS policy_versions (
  id             INTEGER PRIMARY KEY,
  ts             INTEGER NOT NULL,
  version        TEXT NOT NULL,
  action         TEXT NOT NULL,      -- load, reload, reload_failed
  summary        TEXT,
  errors         INTEGER NOT NULL DEFAULT 0,
  detail         TEXT                -- lint errors (file:line:col), changes
);
-- Exceptions as loaded, for "expiring within 30 days" without rules/.
CREATE TABLE IF NOT EXISTS exceptions (
  id             TEXT PRIMARY KEY,
  service        TEXT,
  zone           TEXT,
  verdict        TEXT,
  owner          TEXT,
  reference      TEXT,               -- contract / DPIA / IAMA
  valid_from     INTEGER,
  valid_until    INTEGER,
  updated        INTEGER NOT NULL
);
-- Aggregates kept by the writer so readers never scan raw events.
-- hour: µs at the start of the UTC hour.
CREATE TABLE IF NOT EXISTS agg_hour (
  hour           INTEGER NOT NULL,
  service        TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  zone           TEXT NOT NULL DEFAULT '',
  flows          INTEGER NOT NULL DEFAULT 0,
  lookups        INTEGER NOT NULL DEFAULT 0,
  bytes_up       INTEGER NOT NULL DEFAULT 0,
  uploads        INTEGER NOT NULL DEFAULT 0,   -- upload alerts
  dlp            INTEGER NOT NULL DEFAULT 0,   -- dlp alerts
  alerts         INTEGER NOT NULL DEFAULT 0,   -- all alerts
  PRIMARY KEY (hour, service, verdict, zone)
) WITHOUT ROWID;
-- A service's trend (dashboard drill-down) without scanning every hour.
CREATE INDEX IF NOT EXISTS agg_hour_service ON agg_hour(service, hour);
-- The same sums per UTC day (day: µs at 00:00 UTC), kept beside agg_hour
-- by the writer, so a month is ~30 rows per service and verdict instead of
-- ~720: readers take whole days from here and only the range's edge hours
-- from agg_hour.  first_hour/last_hour: the day's first and last hour seen.
CREATE TABLE IF NOT EXISTS agg_day (
  day            INTEGER NOT NULL,
  service        TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  zone           TEXT NOT NULL DEFAULT '',
  flows          INTEGER NOT NULL DEFAULT 0,
  lookups        INTEGER NOT NULL DEFAULT 0,
  bytes_up       INTEGER NOT NULL DEFAULT 0,
  uploads        INTEGER NOT NULL DEFAULT 0,
  dlp            INTEGER NOT NULL DEFAULT 0,
  alerts         INTEGER NOT NULL DEFAULT 0,
  first_hour     INTEGER NOT NULL,
  last_hour      INTEGER NOT NULL,
  PRIMARY KEY (day, service, verdict, zone)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agg_day_service ON agg_day(service, day);
-- day: µs at local midnight in meta 'timezone' (default Europe/Amsterdam),
-- so ISO weeks in local time are whole days.
CREATE TABLE IF NOT EXISTS agg_client_day (
  day            INTEGER NOT NULL,
  client_pseudo  TEXT NOT NULL,
  service        TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  zone           TEXT NOT NULL DEFAULT '',
  flows          INTEGER NOT NULL DEFAULT 0,
  bytes_up       INTEGER NOT NULL DEFAULT 0,
  alerts         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, client_pseudo, service, verdict, zone)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agg_client_day_service ON agg_client_day(service, day);
-- "Clients using prohibited services": only that verdict's rows, covering.
CREATE INDEX IF NOT EXISTS agg_client_day_verdict
  ON agg_client_day(verdict, day, client_pseudo);
-- Distinct clients as bitmaps (lib/store/store_bits.c): every client
-- pseudonym numbered densely (AUTOINCREMENT: an id is never reused, so a
-- bit always means one pseudonym); last_day for retention.
CREATE TABLE IF NOT EXISTS clients (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  pseudo         TEXT NOT NULL UNIQUE,
  last_day       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS clients_last_day ON clients(last_day);
-- Per (day, service, verdict) of agg_client_day: bit clients.id set for
-- every client with a row under that key.  Readers OR the bitmaps of a
-- range (st_bits_count) for exact distinct counts.
CREATE TABLE IF NOT EXISTS agg_day_clients (
  day            INTEGER NOT NULL,
  service        TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  bits           BLOB NOT NULL,
  PRIMARY KEY (day, service, verdict)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agg_day_clients_service
  ON agg_day_clients(service, day);
CREATE INDEX IF NOT EXISTS agg_day_clients_verdict
  ON agg_day_clients(verdict, day);
CREATE TABLE IF NOT EXISTS agg_dlp_day (
  day            INTEGER NOT NULL,
  dlp_class      TEXT NOT NULL,
  service        TEXT NOT NULL DEFAULT '',
  zone           TEXT NOT NULL DEFAULT '',
  findings       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, dlp_class, service, zone)
) WITHOUT ROWID;
-- Pseudonym key epochs: a rotation starts a new epoch; the same client has
-- another pseudonym in each.  key_id is a hash of the key, never the key.
CREATE TABLE IF NOT EXISTS epochs (
  epoch          INTEGER PRIMARY KEY,
  started        INTEGER NOT NULL,
  ended          INTEGER,
  key_id         TEXT NOT NULL
);
-- Sealed identities: pseudonym -> address, the address encrypted with the
-- identity key (libsodium secretbox; nonce || ciphertext).  Only the
-- re-identification path (lib/store/reid.c) can open it.
CREATE TABLE IF NOT EXISTS identities (
  pseudo         TEXT PRIMARY KEY,
  epoch          INTEGER NOT NULL,
  sealed         BLOB NOT NULL,
  first_seen     INTEGER NOT NULL,
  last_seen      INTEGER NOT NULL
);
