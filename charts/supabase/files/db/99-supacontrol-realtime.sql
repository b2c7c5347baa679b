-- The schema Realtime keeps its own tables in (its DB_AFTER_CONNECT_QUERY selects it).
CREATE SCHEMA IF NOT EXISTS _realtime;
ALTER SCHEMA _realtime OWNER TO supabase_admin;
