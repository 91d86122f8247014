"""The store's schema: versioned migrations (the ``schema_version`` table records each one applied)
and the documented views (docs/store.md). The SQL is the common subset of DuckDB and PostgreSQL;
what differs between them is in :mod:`.dialect`.

Amounts are ``DECIMAL(20,2)`` where the printed value has at most two decimals (every amount of a
disclosure); ``value_text`` keeps the exact value as text in every case (a ratio, a count, an amount
with more decimals), ``raw`` the text as printed.
"""

from __future__ import annotations

# One list of statements per schema version, applied in order, each version in one transaction.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE documents (
            id BIGINT PRIMARY KEY,
            sha256 VARCHAR(64) NOT NULL UNIQUE,
            file_name VARCHAR NOT NULL,
            department VARCHAR,
            year INTEGER,
            kind VARCHAR,
            scope VARCHAR,
            coverage VARCHAR,
            variant VARCHAR,
            region VARCHAR,
            ingested_at TIMESTAMP NOT NULL,
            supersedes BIGINT,
            tables INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            infos INTEGER NOT NULL,
            rules_pass INTEGER NOT NULL,
            rules_fail INTEGER NOT NULL,
            rules_not_applicable INTEGER NOT NULL,
            rules_insufficient_data INTEGER NOT NULL,
            reading_problems INTEGER NOT NULL,
            juesuan_version VARCHAR
        )""",
        """CREATE TABLE doc_tables (
            document BIGINT NOT NULL,
            table_seq INTEGER NOT NULL,
            table_id VARCHAR NOT NULL,
            name VARCHAR,
            title VARCHAR,
            form VARCHAR,
            unit VARCHAR,
            page INTEGER,
            row_count INTEGER,
            reading_problems VARCHAR
        )""",
        """CREATE TABLE cells (
            document BIGINT NOT NULL,
            table_seq INTEGER NOT NULL,
            table_id VARCHAR NOT NULL,
            row_seq INTEGER NOT NULL,
            block VARCHAR,
            row_code VARCHAR,
            row_label VARCHAR,
            row_concept VARCHAR,
            column_id VARCHAR NOT NULL,
            column_header VARCHAR,
            value DECIMAL(20,2),
            value_text VARCHAR,
            raw VARCHAR,
            cell_kind VARCHAR,
            unit VARCHAR,
            page INTEGER
        )""",
        """CREATE TABLE narrative (
            document BIGINT NOT NULL,
            seq INTEGER NOT NULL,
            section VARCHAR,
            text VARCHAR NOT NULL,
            page INTEGER
        )""",
        """CREATE TABLE claims (
            document BIGINT NOT NULL,
            seq INTEGER NOT NULL,
            sentence VARCHAR,
            raw VARCHAR,
            value_text VARCHAR,
            unit VARCHAR,
            claim_kind VARCHAR,
            role VARCHAR,
            concept VARCHAR,
            basis VARCHAR,
            period VARCHAR,
            page INTEGER
        )""",
        """CREATE TABLE findings (
            document BIGINT NOT NULL,
            seq INTEGER NOT NULL,
            rule VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            finding_kind VARCHAR,
            message VARCHAR,
            expected VARCHAR,
            actual VARCHAR,
            difference VARCHAR
        )""",
        """CREATE TABLE finding_cells (
            document BIGINT NOT NULL,
            finding_seq INTEGER NOT NULL,
            table_id VARCHAR,
            form VARCHAR,
            row_label VARCHAR,
            row_code VARCHAR,
            column_header VARCHAR,
            value_text VARCHAR,
            page INTEGER
        )""",
        """CREATE TABLE rule_statuses (
            document BIGINT NOT NULL,
            rule VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            severity VARCHAR,
            description VARCHAR,
            checked INTEGER,
            failed INTEGER,
            reason VARCHAR
        )""",
        # the documented views (docs/store.md): the stable way to query the store
        """CREATE VIEW v_documents AS
            SELECT d.*, NOT EXISTS (SELECT 1 FROM documents n WHERE n.supersedes = d.id) AS is_current
            FROM documents d""",
        """CREATE VIEW v_cells AS
            SELECT c.document, d.file_name, d.department, d.year, d.kind, d.region,
                   c.table_id, c.table_seq, c.row_seq, c.block, c.row_code, c.row_label, c.row_concept,
                   c.column_id, c.column_header, c.value, c.value_text, c.raw, c.cell_kind, c.unit, c.page
            FROM cells c JOIN documents d ON d.id = c.document""",
        """CREATE VIEW v_findings AS
            SELECT f.document, d.file_name, d.department, d.year, f.seq, f.rule, f.severity, f.finding_kind,
                   f.message, f.expected, f.actual, f.difference
            FROM findings f JOIN documents d ON d.id = f.document""",
        """CREATE VIEW v_rule_statuses AS
            SELECT r.document, d.file_name, d.department, d.year, r.rule, r.status, r.severity, r.description,
                   r.checked, r.failed, r.reason
            FROM rule_statuses r JOIN documents d ON d.id = r.document""",
        """CREATE VIEW v_narrative AS
            SELECT n.document, d.file_name, d.department, d.year, n.seq, n.section, n.text, n.page
            FROM narrative n JOIN documents d ON d.id = n.document""",
        """CREATE VIEW v_claims AS
            SELECT c.document, d.file_name, d.department, d.year, c.seq, c.sentence, c.raw, c.value_text,
                   c.unit, c.claim_kind, c.role, c.concept, c.basis, c.period, c.page
            FROM claims c JOIN documents d ON d.id = c.document""",
        """CREATE VIEW v_findings_by_rule AS
            SELECT rule, severity, COUNT(*) AS findings, COUNT(DISTINCT document) AS documents
            FROM findings GROUP BY rule, severity""",
        # completeness of a document: the status of its required-tables rule (fragments: not applicable)
        """CREATE VIEW v_completeness AS
            SELECT d.id AS document, d.file_name, d.department, d.year, d.coverage, d.tables,
                   COALESCE(r.status, 'insufficient_data') AS required_tables
            FROM documents d LEFT JOIN rule_statuses r
              ON r.document = d.id AND r.rule = 'completeness.required_tables'""",
        # 三公 and 机关运行经费 (final amounts) per document, from the 三公 tables: rows by concept in
        # the layouts that print items as rows, columns by id in those that print them as columns
        """CREATE VIEW v_three_public AS
            SELECT c.document, d.department, d.year, d.file_name, c.unit,
                   SUM(CASE WHEN c.row_concept = 'total' AND c.column_id = 'final' THEN c.value
                            WHEN c.column_id = 'total_final' THEN c.value END) AS three_public_final,
                   SUM(CASE WHEN c.row_concept = 'total' AND c.column_id = 'budget' THEN c.value
                            WHEN c.column_id = 'total_budget' THEN c.value END) AS three_public_budget,
                   SUM(CASE WHEN c.row_concept = 'admin_cost' AND c.column_id = 'final' THEN c.value
                            WHEN c.column_id = 'admin_cost_final' THEN c.value END) AS admin_cost_final
            FROM cells c JOIN documents d ON d.id = c.document
            WHERE c.table_id IN ('three_public_stats', 'three_public')
            GROUP BY c.document, d.department, d.year, d.file_name, c.unit""",
    ],
    # 2: publication tracking — the publication date of a document, the expected-publisher list
    [
        "ALTER TABLE documents ADD COLUMN published_on DATE",
        """CREATE TABLE expected_publishers (
            region VARCHAR,
            department VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            scope VARCHAR NOT NULL,
            year INTEGER NOT NULL,
            due_date DATE
        )""",
        # again, so that PostgreSQL (which expands * when a view is made) shows the new column
        "DROP VIEW v_documents",
        """CREATE VIEW v_documents AS
            SELECT d.*, NOT EXISTS (SELECT 1 FROM documents n WHERE n.supersedes = d.id) AS is_current
            FROM documents d""",
    ],
    # 3: batch processing (juesuan batch, docs/batch.md) — the files that failed, with their reason,
    # so that every file of a batch is accounted for and a resumed batch does not redo them
    [
        """CREATE TABLE batch_failures (
            sha256 VARCHAR(64),
            path VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            message VARCHAR,
            failed_at TIMESTAMP NOT NULL,
            juesuan_version VARCHAR
        )""",
    ],
    # 4: the web app (juesuan.web): users (salted scrypt hashes of passwords), hashes of API tokens
    # and of sign-in sessions (the secrets themselves are never stored), reviewers' decisions
    [
        """CREATE TABLE users (
            name VARCHAR PRIMARY KEY,
            password_hash VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE api_tokens (
            token_hash VARCHAR(64) PRIMARY KEY,
            user_name VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE web_sessions (
            token_hash VARCHAR(64) PRIMARY KEY,
            user_name VARCHAR NOT NULL,
            expires_at TIMESTAMP NOT NULL
        )""",
        # a reviewer's decision on a finding (confirmed / dismissed with a reason / needs_discussion);
        # finding_key identifies the finding across versions of a document (rule and cells), so a
        # decision carries over to a corrected version that supersedes this one
        """CREATE TABLE reviews (
            document BIGINT NOT NULL,
            finding_key VARCHAR NOT NULL,
            decision VARCHAR NOT NULL,
            reason VARCHAR,
            user_name VARCHAR NOT NULL,
            decided_at TIMESTAMP NOT NULL
        )""",
    ],
    # 5: staff numbers per document, from the narrative's count claims (the lexicon's staff_*
    # concepts): the first figure of each in the text (a "其中" part comes after its total), stated in
    # 人 or 名, one of this year first (a headcount "截至上年12月" is the next best); a document that
    # states none has no row
    [
        """CREATE VIEW v_staff AS
            SELECT d.id AS document, d.file_name, d.department, d.year,
                   (SELECT CAST(c.value_text AS INTEGER) FROM claims c
                     WHERE c.document = d.id AND c.concept = 'staff_authorized' AND c.role = 'level'
                       AND c.unit IN ('人', '名') AND c.value_text NOT LIKE '%.%'
                     ORDER BY CASE WHEN c.period = 'current' THEN 0 ELSE 1 END, c.seq LIMIT 1) AS authorized,
                   (SELECT CAST(c.value_text AS INTEGER) FROM claims c
                     WHERE c.document = d.id AND c.concept = 'staff_actual' AND c.role = 'level'
                       AND c.unit IN ('人', '名') AND c.value_text NOT LIKE '%.%'
                     ORDER BY CASE WHEN c.period = 'current' THEN 0 ELSE 1 END, c.seq LIMIT 1) AS actual,
                   (SELECT CAST(c.value_text AS INTEGER) FROM claims c
                     WHERE c.document = d.id AND c.concept = 'staff_retired' AND c.role = 'level'
                       AND c.unit IN ('人', '名') AND c.value_text NOT LIKE '%.%'
                     ORDER BY CASE WHEN c.period = 'current' THEN 0 ELSE 1 END, c.seq LIMIT 1) AS retired
            FROM documents d
            WHERE EXISTS (SELECT 1 FROM claims c WHERE c.document = d.id
                            AND c.concept IN ('staff_authorized', 'staff_actual', 'staff_retired')
                            AND c.role = 'level' AND c.unit IN ('人', '名')
                            AND c.value_text NOT LIKE '%.%')""",
    ],
]

# The views a user may query, export and read about in docs/store.md (the tables are queryable too).
VIEWS = (
    "v_documents",
    "v_cells",
    "v_findings",
    "v_rule_statuses",
    "v_narrative",
    "v_claims",
    "v_findings_by_rule",
    "v_completeness",
    "v_three_public",
    "v_staff",
)
# the tables one document writes (expected_publishers is written by the publication import)
TABLES = ("documents", "doc_tables", "cells", "narrative", "claims", "findings", "finding_cells", "rule_statuses")

# Column order of each table, as the ingest writes rows
COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "id",
        "sha256",
        "file_name",
        "department",
        "year",
        "kind",
        "scope",
        "coverage",
        "variant",
        "region",
        "ingested_at",
        "supersedes",
        "tables",
        "errors",
        "warnings",
        "infos",
        "rules_pass",
        "rules_fail",
        "rules_not_applicable",
        "rules_insufficient_data",
        "reading_problems",
        "juesuan_version",
        "published_on",
    ),
    "doc_tables": (
        "document",
        "table_seq",
        "table_id",
        "name",
        "title",
        "form",
        "unit",
        "page",
        "row_count",
        "reading_problems",
    ),
    "cells": (
        "document",
        "table_seq",
        "table_id",
        "row_seq",
        "block",
        "row_code",
        "row_label",
        "row_concept",
        "column_id",
        "column_header",
        "value",
        "value_text",
        "raw",
        "cell_kind",
        "unit",
        "page",
    ),
    "narrative": ("document", "seq", "section", "text", "page"),
    "claims": (
        "document",
        "seq",
        "sentence",
        "raw",
        "value_text",
        "unit",
        "claim_kind",
        "role",
        "concept",
        "basis",
        "period",
        "page",
    ),
    "findings": ("document", "seq", "rule", "severity", "finding_kind", "message", "expected", "actual", "difference"),
    "finding_cells": (
        "document",
        "finding_seq",
        "table_id",
        "form",
        "row_label",
        "row_code",
        "column_header",
        "value_text",
        "page",
    ),
    "rule_statuses": ("document", "rule", "status", "severity", "description", "checked", "failed", "reason"),
}
# Columns of each table that are DECIMAL (cast from text on insert) or INTEGER / BIGINT / TIMESTAMP
DECIMAL_COLUMNS = {("cells", "value")}
