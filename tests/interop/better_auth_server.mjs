// A real Better Auth server for the interoperability tests: email and password sign-up, the
// bearer and JWT plugins, its PostgreSQL adapter on the database named by the PG* variables
// (the backend's own). Runs Better Auth's migrations, listens on 127.0.0.1:PORT (0: a free
// port) and prints its base URL as the first line of stdout.
//
// Environment: BETTER_AUTH_SECRET; JWT_ALG (EdDSA by default); JWT_EXPIRES (15m); PORT;
// FRESH_KEYS=1 deletes the stored signing keys first, so the JWT plugin makes new ones, as a
// key rotation or a dev server on the memory adapter does.
import { createServer } from "node:http";

import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { bearer, jwt } from "better-auth/plugins";
import pg from "pg";

const pool = new pg.Pool({ max: 5 });
const server = createServer();

server.listen(Number(process.env.PORT || 0), "127.0.0.1", async () => {
  const baseURL = `http://127.0.0.1:${server.address().port}`;
  const options = {
    baseURL,
    secret: process.env.BETTER_AUTH_SECRET,
    trustedOrigins: [baseURL],
    database: pool,
    emailAndPassword: { enabled: true },
    plugins: [
      bearer(),
      jwt({
        jwks: { keyPairConfig: { alg: process.env.JWT_ALG || "EdDSA" } },
        jwt: { expirationTime: process.env.JWT_EXPIRES || "15m" },
      }),
    ],
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  if (process.env.FRESH_KEYS === "1") {
    await pool.query('DELETE FROM "jwks"');
  }
  const auth = betterAuth(options);
  server.on("request", toNodeHandler(auth));
  console.log(baseURL);
});

const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
