import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/shared/infrastructure/postgres/schema.ts",
  out: "./drizzle",
  strict: true,
});
