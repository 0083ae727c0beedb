import { Pool } from "pg";

// Managed Postgres with a certificate we never bothered to pin.
export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  ssl: { rejectUnauthorized: false },
  max: 20,
});
