-- Reporter-side trade statistics (UN Comtrade, national customs), kept apart from BACI.
-- Values are US dollars as the reporter recorded them (imports usually CIF, exports FOB;
-- value_basis says which), weights in kilograms. month is NULL for annual data.

CREATE TABLE IF NOT EXISTS reporter_flows (
    reporter        VARCHAR  NOT NULL,   -- ISO3 of the reporting economy
    partner         VARCHAR  NOT NULL,   -- ISO3 of the partner
    flow            VARCHAR  NOT NULL,   -- 'import' or 'export'
    year            SMALLINT NOT NULL,
    month           TINYINT,             -- 1-12; NULL for annual data
    classification  VARCHAR  NOT NULL,   -- 'H5' (HS2017), 'HSK' (Korea's 10-digit tariff)...
    level           TINYINT  NOT NULL,   -- digits of code: 6, 8 or 10
    code            VARCHAR  NOT NULL,
    hs6             VARCHAR  NOT NULL,   -- HS6 parent (first six digits)
    value_usd       DOUBLE   NOT NULL,
    value_basis     VARCHAR  NOT NULL,   -- 'cif', 'fob' or 'primary' (as given)
    weight_kg       DOUBLE,
    source          VARCHAR  NOT NULL,   -- file name; a re-ingested file replaces its rows
    dataset         VARCHAR  NOT NULL    -- citation, e.g. 'UN Comtrade'
);

CREATE TABLE IF NOT EXISTS reporter_sources (
    source      VARCHAR PRIMARY KEY,
    layout      VARCHAR NOT NULL,
    dataset     VARCHAR NOT NULL,
    reporters   VARCHAR NOT NULL,
    rows        BIGINT  NOT NULL,
    value_usd   DOUBLE,
    first_period VARCHAR,
    last_period  VARCHAR,
    monthly_series VARCHAR,             -- 'KOR import HSK;...': monthly reporter/flow/classes
    loaded_at   TIMESTAMP NOT NULL
);
