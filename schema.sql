-- claimtrack schema, version 4.
-- Generated from claimtrack/models.py: python -m claimtrack.models > schema.sql

CREATE TABLE figures (
	id INTEGER NOT NULL,
	metric VARCHAR NOT NULL,
	location VARCHAR,
	series_subject VARCHAR,
	period_kind VARCHAR NOT NULL,
	source VARCHAR,
	figure_date DATE,
	value BIGINT NOT NULL,
	value_real FLOAT,
	value_max BIGINT,
	qualifier VARCHAR NOT NULL,
	first_claim INTEGER NOT NULL,
	subject VARCHAR,
	via TEXT NOT NULL,
	claim_ids TEXT NOT NULL,
	article_ids TEXT NOT NULL,
	outlets TEXT NOT NULL,
	review VARCHAR NOT NULL,
	corrected BOOLEAN NOT NULL,
	first_article INTEGER NOT NULL,
	article_count INTEGER NOT NULL,
	first_outlet VARCHAR,
	outlet_count INTEGER NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_figures_series ON figures (metric, location, series_subject, period_kind, figure_date, first_claim, source, value, value_real, value_max, qualifier, subject, via, review, corrected, first_article, article_count, first_outlet, outlet_count);

CREATE TABLE files (
	id INTEGER NOT NULL,
	path VARCHAR NOT NULL,
	sha256 VARCHAR NOT NULL,
	encoding VARCHAR NOT NULL,
	text TEXT NOT NULL,
	size_bytes INTEGER NOT NULL,
	added_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (sha256)
);

CREATE TABLE schema_version (
	version INTEGER NOT NULL,
	applied_at DATETIME NOT NULL,
	PRIMARY KEY (version)
);

CREATE TABLE sources (
	id INTEGER NOT NULL,
	name VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);

CREATE TABLE articles (
	id INTEGER NOT NULL,
	file_id INTEGER NOT NULL,
	index_in_file INTEGER NOT NULL,
	start INTEGER NOT NULL,
	"end" INTEGER NOT NULL,
	text TEXT NOT NULL,
	sha256 VARCHAR NOT NULL,
	title VARCHAR,
	outlet VARCHAR,
	url VARCHAR,
	published DATE,
	date_source VARCHAR,
	lang VARCHAR NOT NULL,
	added_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(file_id) REFERENCES files (id),
	UNIQUE (sha256)
);

CREATE INDEX ix_articles_file_id ON articles (file_id);

CREATE TABLE source_aliases (
	id INTEGER NOT NULL,
	source_id INTEGER NOT NULL,
	alias VARCHAR NOT NULL,
	lang VARCHAR,
	PRIMARY KEY (id),
	CONSTRAINT uq_source_aliases_source_id_alias UNIQUE (source_id, alias),
	FOREIGN KEY(source_id) REFERENCES sources (id)
);

CREATE TABLE claims (
	id INTEGER NOT NULL,
	article_id INTEGER NOT NULL,
	metric VARCHAR NOT NULL,
	value BIGINT NOT NULL,
	value_real FLOAT,
	value_max BIGINT,
	qualifier VARCHAR NOT NULL,
	subject VARCHAR,
	location VARCHAR,
	period VARCHAR,
	source VARCHAR,
	source_id INTEGER,
	via TEXT NOT NULL,
	as_of DATE,
	start INTEGER NOT NULL,
	"end" INTEGER NOT NULL,
	text TEXT NOT NULL,
	sentence TEXT NOT NULL,
	sentence_start INTEGER NOT NULL,
	rule VARCHAR NOT NULL,
	confidence FLOAT NOT NULL,
	cues TEXT NOT NULL,
	flags TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	review_status VARCHAR,
	reviewed_value BIGINT,
	reviewed_metric VARCHAR,
	reviewed_source VARCHAR,
	figure_date DATE,
	outlet VARCHAR,
	series_subject VARCHAR,
	period_kind VARCHAR DEFAULT 'unspecified' NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(article_id) REFERENCES articles (id),
	FOREIGN KEY(source_id) REFERENCES sources (id)
);

CREATE INDEX ix_claims_article_id ON claims (article_id);

CREATE INDEX ix_claims_corrected ON claims (location, series_subject, period_kind, figure_date) WHERE reviewed_value IS NOT NULL OR reviewed_source IS NOT NULL OR reviewed_metric IS NOT NULL;

CREATE INDEX ix_claims_figures ON claims (metric, reviewed_metric, reviewed_value, reviewed_source, location, series_subject, period_kind, source, figure_date, value, value_real, value_max, qualifier, subject, review_status, article_id, outlet);

CREATE INDEX ix_claims_metric_location_subject ON claims (metric, location, subject);

CREATE INDEX ix_claims_reviewed_metric ON claims (reviewed_metric);

CREATE INDEX ix_claims_source ON claims (source);

CREATE INDEX ix_claims_source_date ON claims (source_id, reviewed_source, figure_date);

CREATE TABLE reviews (
	id INTEGER NOT NULL,
	claim_id INTEGER NOT NULL,
	article_id INTEGER NOT NULL,
	claim_start INTEGER NOT NULL,
	claim_end INTEGER NOT NULL,
	field VARCHAR NOT NULL,
	old VARCHAR,
	new VARCHAR,
	note VARCHAR,
	reviewer VARCHAR NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(claim_id) REFERENCES claims (id),
	FOREIGN KEY(article_id) REFERENCES articles (id)
);

CREATE INDEX ix_reviews_article_id_claim_start ON reviews (article_id, claim_start);

CREATE INDEX ix_reviews_claim_id ON reviews (claim_id);

CREATE VIEW claims_full AS
SELECT c.id AS claim_id, c.metric, c.value, c.value_real, c.value_max, c.qualifier, c.subject,
       c.location, c.period, c.source, s.kind AS source_kind, c.via, c.as_of,
       COALESCE(c.as_of, a.published) AS figure_date, c.review_status, c.reviewed_value,
       c.reviewed_metric, c.reviewed_source, c.text, c.sentence, c.start, c."end", c.rule,
       c.confidence, c.cues, c.flags, a.id AS article_id, a.title, a.outlet, a.url, a.published,
       a.date_source, a.lang, f.path AS file_path, f.encoding AS file_encoding
FROM claims c
JOIN articles a ON a.id = c.article_id
JOIN files f ON f.id = a.file_id
LEFT JOIN sources s ON s.id = c.source_id;

CREATE VIEW sources_summary AS
SELECT s.id AS source_id, s.name, s.kind, COUNT(c.id) AS claims,
       MIN(COALESCE(c.as_of, a.published)) AS first_date, MAX(COALESCE(c.as_of, a.published)) AS last_date
FROM sources s
LEFT JOIN claims c ON c.source_id = s.id
LEFT JOIN articles a ON a.id = c.article_id
GROUP BY s.id, s.name, s.kind;

CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id', tokenize='trigram');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END;
