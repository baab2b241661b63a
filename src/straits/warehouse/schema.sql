-- Straits warehouse schema (DuckDB dialect; plain SQL that sqlglot transpiles to Spark).
-- Units are in the column names: value_kusd = thousand current USD (BACI, FOB),
-- quantity_t = metric tons. Country columns hold BACI numeric codes; ISO3 comes from
-- the countries table at the edge.

CREATE TABLE IF NOT EXISTS flows (
    year        SMALLINT NOT NULL,
    exporter    INTEGER  NOT NULL,
    importer    INTEGER  NOT NULL,
    product     VARCHAR  NOT NULL,   -- HS6, always six characters
    value_kusd  DOUBLE   NOT NULL,
    quantity_t  DOUBLE               -- NULL where BACI gives none
);

CREATE TABLE IF NOT EXISTS countries (
    code       INTEGER PRIMARY KEY,  -- BACI / UN M49 numeric code
    iso3       VARCHAR NOT NULL,     -- TWN for 490 (BACI writes S19)
    iso2       VARCHAR,
    name       VARCHAR NOT NULL,
    baci_iso3  VARCHAR,              -- as written in the release's table
    current    BOOLEAN NOT NULL      -- FALSE for historic entities such as 58 (...1998)
);

CREATE TABLE IF NOT EXISTS products (
    product      VARCHAR PRIMARY KEY,
    description  VARCHAR,
    hs           VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS releases (
    dataset     VARCHAR NOT NULL,    -- 'baci'
    hs          VARCHAR NOT NULL,
    release     VARCHAR NOT NULL,
    year        SMALLINT NOT NULL,
    rows        BIGINT NOT NULL,
    value_kusd  DOUBLE,
    source      VARCHAR NOT NULL,    -- file the year came from
    bytes       BIGINT,
    loaded_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, year)
);
-- What each loaded year holds, so cross-year comparisons can put two years on one footing:
-- the smallest value kept (an extract that drops small flows has a higher floor) and whether
-- quantities are present. Added after 0.1: warehouses written before get the columns here.
ALTER TABLE releases ADD COLUMN IF NOT EXISTS min_value_kusd DOUBLE;
ALTER TABLE releases ADD COLUMN IF NOT EXISTS has_quantity BOOLEAN;

CREATE TABLE IF NOT EXISTS meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR
);
