-- The change log of per-account facts (decision 0020): every write transaction that changes what a follow-up reads
-- about an account (the account, its movements, postings or estimates) adds a row per account it touched, or one
-- row without an account for "every account of the year" (an import). A report that kept facts as of version V
-- recomputes only the accounts logged after V, on any server. Writers number their rows under an advisory lock held
-- to their commit, so versions are given in commit order without gaps; the writers keep the last 10.000 versions.
CREATE TABLE fact_change (
    version     bigint PRIMARY KEY,
    year        bigint NOT NULL,
    account_id  text
);
