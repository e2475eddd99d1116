import { defineConfig } from 'drizzle-kit';

/** PostgreSQL: `npx drizzle-kit generate --config drizzle.pg.config.ts --name NAME` writes migrations/pg/. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './migrations/pg',
});
