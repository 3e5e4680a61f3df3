-- claimtrack schema, version 1.
-- Generated from claimtrack/models.py: python -m claimtrack.models > schema.sql

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
	PRIMARY KEY (id),
	FOREIGN KEY(article_id) REFERENCES articles (id),
	FOREIGN KEY(source_id) REFERENCES sources (id)
);

CREATE INDEX ix_claims_article_id ON claims (article_id);

CREATE INDEX ix_claims_metric ON claims (metric);

CREATE INDEX ix_claims_metric_location_subject ON claims (metric, location, subject);

CREATE INDEX ix_claims_source ON claims (source);

CREATE INDEX ix_claims_source_id ON claims (source_id);
