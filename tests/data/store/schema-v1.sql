-- shadowtap SQLite schema, version 1 (PRAGMA user_version = 1).
-- Written only by shadowtap-sensor; the dashboard and report open it read-only.
-- Times are integer microseconds since the Unix epoch (UTC).
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS flows (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER NOT NULL,
  ts_start       INTEGER NOT NULL,
  ts_end         INTEGER NOT NULL,
  src_ip         TEXT NOT NULL,
  src_port       INTEGER,
  dest_ip        TEXT NOT NULL,
  dest_port      INTEGER,
  client_pseudo  TEXT NOT NULL,
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
  reason         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS flows_ts ON flows(ts_start);
CREATE INDEX IF NOT EXISTS flows_host ON flows(host);
CREATE INDEX IF NOT EXISTS flows_client ON flows(client_pseudo, ts_start);
CREATE TABLE IF NOT EXISTS dns (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER NOT NULL,
  ts             INTEGER NOT NULL,
  src_ip         TEXT NOT NULL,
  client_pseudo  TEXT NOT NULL,
  dest_ip        TEXT NOT NULL,
  proto          TEXT NOT NULL,
  dns_id         INTEGER,
  rrname         TEXT NOT NULL,
  rrtype         TEXT,
  rcode          TEXT,
  answers        TEXT,
  ttl_min        INTEGER,
  answered       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dns_ts ON dns(ts);
CREATE INDEX IF NOT EXISTS dns_name ON dns(rrname);
CREATE TABLE IF NOT EXISTS http (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER NOT NULL,
  ts             INTEGER NOT NULL,
  src_ip         TEXT NOT NULL,
  client_pseudo  TEXT NOT NULL,
  dest_ip        TEXT NOT NULL,
  dest_port      INTEGER,
  hostname       TEXT,
  url            TEXT,
  method         TEXT,
  user_agent     TEXT,
  content_type   TEXT,
  content_length INTEGER
);
CREATE INDEX IF NOT EXISTS http_ts ON http(ts);
CREATE TABLE IF NOT EXISTS stats (
  ts             INTEGER NOT NULL,
  name           TEXT NOT NULL,
  value          INTEGER NOT NULL,
  PRIMARY KEY (ts, name)
) WITHOUT ROWID;
-- One row per AI flow and per DNS lookup of an AI name (event_type "ai").
CREATE TABLE IF NOT EXISTS ai_events (
  id               INTEGER PRIMARY KEY,
  flow_id          INTEGER NOT NULL,
  ts               INTEGER NOT NULL,
  src_ip           TEXT NOT NULL,
  client_pseudo    TEXT NOT NULL,
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
  tenant_ambiguous INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ai_ts ON ai_events(ts);
CREATE INDEX IF NOT EXISTS ai_service ON ai_events(service, ts);
CREATE INDEX IF NOT EXISTS ai_client ON ai_events(client_pseudo, ts);
CREATE TABLE IF NOT EXISTS alerts (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER,
  ts             INTEGER NOT NULL,
  src_ip         TEXT,
  client_pseudo  TEXT,
  dest_ip        TEXT,
  dest_port      INTEGER,
  kind           TEXT NOT NULL,
  severity       TEXT NOT NULL,
  rule           TEXT,
  signature      TEXT,
  service        TEXT,
  verdict        TEXT,
  dlp_class      TEXT,
  detector       TEXT,
  confidence     INTEGER,
  evidence       TEXT,
  fingerprint    TEXT,
  bytes          INTEGER
);
CREATE INDEX IF NOT EXISTS alerts_ts ON alerts(ts);
CREATE INDEX IF NOT EXISTS alerts_kind ON alerts(kind, ts);
CREATE TABLE IF NOT EXISTS visibility (
  id             INTEGER PRIMARY KEY,
  flow_id        INTEGER,
  ts             INTEGER NOT NULL,
  src_ip         TEXT,
  client_pseudo  TEXT,
  dest_ip        TEXT,
  dest_port      INTEGER,
  kind           TEXT NOT NULL,
  detail         TEXT
);
CREATE INDEX IF NOT EXISTS visibility_ts ON visibility(ts);
CREATE TABLE IF NOT EXISTS policy_versions (
  id             INTEGER PRIMARY KEY,
  ts             INTEGER NOT NULL,
  version        TEXT NOT NULL,
  action         TEXT NOT NULL,
  summary        TEXT,
  errors         INTEGER NOT NULL DEFAULT 0
);
-- Rows as a v1 sensor wrote them (addresses from TEST-NET, made up).
PRAGMA user_version = 1;
INSERT INTO meta VALUES ('schema_version', '1'), ('writer', 'shadowtap-sensor');
INSERT INTO flows (flow_id, ts_start, ts_end, src_ip, src_port, dest_ip,
  dest_port, client_pseudo, proto, pkts_toserver, pkts_toclient,
  bytes_toserver, bytes_toclient, state, reason)
  VALUES (1, 1700000000000000, 1700000001000000, '192.0.2.77', 50123,
  '203.0.113.9', 443, 'c-00112233aabbccdd', 'TCP', 3, 2, 300, 200, 'closed', 'timeout');
INSERT INTO http (flow_id, ts, src_ip, client_pseudo, dest_ip, dest_port,
  hostname, url, method) VALUES (1, 1700000000500000, '192.0.2.77',
  'c-00112233aabbccdd', '203.0.113.9', 80, 'chat.example.com',
  '/v1/chat?session=secret-token', 'POST');
INSERT INTO ai_events (flow_id, ts, src_ip, client_pseudo, dest_ip, dest_port,
  proto, service, matched_by, confidence, verdict) VALUES (1,
  1700000000000000, '192.0.2.77', 'c-00112233aabbccdd', '203.0.113.9', 443,
  'TCP', 'chatgpt', 'tls_sni', 95, 'prohibited');
INSERT INTO alerts (flow_id, ts, src_ip, client_pseudo, kind, severity,
  service, verdict) VALUES (1, 1700000000100000, '192.0.2.77',
  'c-00112233aabbccdd', 'access', 'medium', 'chatgpt', 'prohibited');
INSERT INTO visibility (ts, src_ip, client_pseudo, kind) VALUES
  (1700000000200000, '192.0.2.77', 'c-00112233aabbccdd', 'ech');
INSERT INTO dns (flow_id, ts, src_ip, client_pseudo, dest_ip, proto, rrname,
  answered) VALUES (2, 1700000000000000, '192.0.2.77', 'c-00112233aabbccdd',
  '198.51.100.53', 'UDP', 'chat.example.com', 1);
