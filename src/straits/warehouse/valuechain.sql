-- Value-chain datasets, kept in their own tables beside the trade data (DuckDB dialect,
-- plain SQL that sqlglot transpiles to Spark). Each is catalogued in `releases` under its
-- own dataset name ('eto', 'wiod') with its citation in `meta`.

-- ETO Advanced Semiconductor Supply Chain (CSET), licence CC BY-NC 4.0 (non-commercial).
-- One ETO release at a time: an ingest replaces every eto_* table.
CREATE TABLE IF NOT EXISTS eto_nodes (
    node_id      VARCHAR PRIMARY KEY,  -- 'N31' (an input) or 'S1' (a stage)
    name         VARCHAR NOT NULL,     -- as published ('Photoresists')
    kind         VARCHAR NOT NULL,     -- 'stage', or the input type ('tool_resource', ...)
    market_size  VARCHAR,              -- as published ('$574 billion (2022)')
    data_year    SMALLINT,             -- inputs.csv year
    position     INTEGER NOT NULL      -- stages first, then inputs in published order
);

CREATE TABLE IF NOT EXISTS eto_node_stages (
    node_id   VARCHAR NOT NULL,
    stage_id  VARCHAR NOT NULL,        -- S1-S3: the node's own stage, else the nearest
    PRIMARY KEY (node_id, stage_id)    -- downstream steps' stages (breadth-first)
);

CREATE TABLE IF NOT EXISTS eto_edges (
    src       VARCHAR NOT NULL,        -- src goes into dst, or src is a type of dst
    dst       VARCHAR NOT NULL,
    relation  VARCHAR NOT NULL,        -- 'goes_into' or 'is_type_of'
    PRIMARY KEY (src, dst)
);

CREATE TABLE IF NOT EXISTS eto_providers (
    provider_id    VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,   -- ISO3 for a country ('KOR'), else the firm's name
    provider_type  VARCHAR NOT NULL,   -- 'country' or 'organization'
    country        VARCHAR,            -- the country of a firm; the code itself for a country
    aggregate      BOOLEAN NOT NULL    -- a group ('Various countries', 'Various companies'), never ranks
);

CREATE TABLE IF NOT EXISTS eto_aliases (
    provider_id  VARCHAR NOT NULL,
    alias        VARCHAR NOT NULL      -- 'South Korea', 'Canon ANELVA'
);

CREATE TABLE IF NOT EXISTS eto_shares (
    provider_id  VARCHAR NOT NULL,
    node_id      VARCHAR NOT NULL,
    share        DOUBLE,               -- fraction 0-1 of world supply; NULL where ETO is blank
    year         SMALLINT,
    source       VARCHAR,
    PRIMARY KEY (provider_id, node_id)
);

-- Multi-regional input-output tables (WIOD 2013 release; dataset names the source).
-- Values in million current USD; intermediate and final-demand cells stored where non-zero.
CREATE TABLE IF NOT EXISTS io_rows (
    dataset      VARCHAR  NOT NULL,
    year         SMALLINT NOT NULL,
    idx          INTEGER  NOT NULL,    -- 0-based position of the country-industry
    country      VARCHAR  NOT NULL,    -- region code as published ('KOR', 'ROM', 'RoW')
    industry     VARCHAR  NOT NULL,    -- 'c1'-'c35'
    output_musd  DOUBLE   NOT NULL,    -- gross output as published
    PRIMARY KEY (dataset, year, idx)
);

CREATE TABLE IF NOT EXISTS io_final_cols (
    dataset   VARCHAR  NOT NULL,
    year      SMALLINT NOT NULL,
    idx       INTEGER  NOT NULL,
    country   VARCHAR  NOT NULL,       -- the using country
    category  VARCHAR  NOT NULL,       -- CONS_h, CONS_np, CONS_g, GFCF, INVEN
    PRIMARY KEY (dataset, year, idx)
);

CREATE TABLE IF NOT EXISTS io_z (
    dataset     VARCHAR  NOT NULL,
    year        SMALLINT NOT NULL,
    row_idx     INTEGER  NOT NULL,     -- supplying country-industry (io_rows.idx)
    col_idx     INTEGER  NOT NULL,     -- using country-industry (io_rows.idx)
    value_musd  DOUBLE   NOT NULL
);

CREATE TABLE IF NOT EXISTS io_final (
    dataset     VARCHAR  NOT NULL,
    year        SMALLINT NOT NULL,
    row_idx     INTEGER  NOT NULL,     -- supplying country-industry
    col_idx     INTEGER  NOT NULL,     -- io_final_cols.idx
    value_musd  DOUBLE   NOT NULL
);

CREATE TABLE IF NOT EXISTS io_industries (
    dataset   VARCHAR  NOT NULL,
    year      SMALLINT NOT NULL,
    industry  VARCHAR  NOT NULL,
    name      VARCHAR  NOT NULL,       -- as published (English)
    PRIMARY KEY (dataset, year, industry)
);
