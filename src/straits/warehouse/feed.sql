-- The live feed's catalog: every UN Comtrade fetch, every refresh, every signal seen.
-- Rows fetched from the API live in reporter_flows (source 'comtrade-api:<reporter>').

CREATE TABLE IF NOT EXISTS comtrade_fetches (
    fetch_id     VARCHAR PRIMARY KEY,
    refresh_id   VARCHAR,             -- set when the fetch was part of `straits refresh`
    started_at   TIMESTAMP NOT NULL,  -- UTC
    finished_at  TIMESTAMP NOT NULL,
    endpoint     VARCHAR NOT NULL,    -- 'get' (subscription key) or 'preview' (keyless)
    base_url     VARCHAR NOT NULL,
    query        VARCHAR NOT NULL,    -- JSON: reporters, partners, products, flows, periods
    first_period VARCHAR NOT NULL,    -- requested span, 'YYYY-MM' (or 'YYYY')
    last_period  VARCHAR NOT NULL,
    calls        INTEGER NOT NULL,    -- HTTP calls answered (retries not counted)
    reused       INTEGER NOT NULL,    -- answers taken from an interrupted earlier run
    retries      INTEGER NOT NULL,
    rows         BIGINT  NOT NULL,    -- rows stored (imports and exports at HS6)
    estimated_rows BIGINT NOT NULL    -- of which isReported = false (values Comtrade estimated)
);

CREATE TABLE IF NOT EXISTS feed_refreshes (
    refresh_id   VARCHAR PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,  -- UTC
    finished_at  TIMESTAMP NOT NULL,
    watchlist    VARCHAR NOT NULL,    -- path of the watchlist file
    entries      INTEGER NOT NULL,
    fetches      INTEGER NOT NULL,
    rows         BIGINT  NOT NULL,
    signals      INTEGER NOT NULL,    -- signals watch found over the stored history
    new_signals  INTEGER NOT NULL     -- of which never reported by an earlier refresh
);

CREATE TABLE IF NOT EXISTS feed_signals (
    importer     VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    product      VARCHAR NOT NULL,
    supplier     VARCHAR NOT NULL,
    signal       VARCHAR NOT NULL,
    value_usd    DOUBLE,
    refresh_id   VARCHAR NOT NULL,    -- the refresh that first reported it
    PRIMARY KEY (importer, period, product, supplier, signal)
);
