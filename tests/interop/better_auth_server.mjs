// A real Better Auth server for the interoperability test: email and password sign-up, the JWT
// plugin, in-memory storage. Listens on 127.0.0.1 (a free port) and prints its base URL as the
// first line of stdout. BETTER_AUTH_SECRET comes from the environment; JWT_ALG picks the key type.
import { createServer } from "node:http";

import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { toNodeHandler } from "better-auth/node";
import { jwt } from "better-auth/plugins";

const server = createServer();

server.listen(0, "127.0.0.1", () => {
  const baseURL = `http://127.0.0.1:${server.address().port}`;
  const auth = betterAuth({
    baseURL,
    secret: process.env.BETTER_AUTH_SECRET,
    trustedOrigins: [baseURL],
    database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
    emailAndPassword: { enabled: true },
    plugins: [jwt({ jwks: { keyPairConfig: { alg: process.env.JWT_ALG || "EdDSA" } } })],
  });
  server.on("request", toNodeHandler(auth));
  console.log(baseURL);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
