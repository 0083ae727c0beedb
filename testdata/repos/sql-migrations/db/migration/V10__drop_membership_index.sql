-- Applied after V3 (Flyway orders versions numerically, not as text).
DROP INDEX memberships_team_idx;
