CREATE TABLE memberships (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    team_id BIGINT NOT NULL REFERENCES teams (id),
    role TEXT NOT NULL DEFAULT 'member',
    PRIMARY KEY (account_id, team_id)
);

CREATE TABLE invitations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id BIGINT NOT NULL,
    invited_by BIGINT NOT NULL
);

CREATE INDEX invitations_team_idx ON invitations (team_id);
CREATE INDEX memberships_team_idx ON memberships (team_id, account_id);
