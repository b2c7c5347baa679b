-- Stores the JWT secret and expiry as database settings, where SQL functions (auth.jwt() and
-- friends) read them. Runs once, on an empty data directory.
\set jwt_secret `echo "$JWT_SECRET"`
\set jwt_exp `echo "$JWT_EXP"`

ALTER DATABASE postgres SET "app.settings.jwt_secret" TO :'jwt_secret';
ALTER DATABASE postgres SET "app.settings.jwt_exp" TO :'jwt_exp';
