ALTER TABLE invitations
    ADD CONSTRAINT invitations_team_fk FOREIGN KEY (team_id) REFERENCES teams (id);

ALTER TABLE invitations
    ADD CONSTRAINT invitations_invited_by_fk FOREIGN KEY (invited_by) REFERENCES accounts (id);

-- A procedural block the SQL reader does not understand; the file still counts.
DO $$ BEGIN RAISE NOTICE 'backfilling'; END $$;
