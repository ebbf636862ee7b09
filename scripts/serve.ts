// Entry point of `npm start`: serves the production build like `next start`, but hands every request the socket's
// address in PEER_HEADER (deleting any value the client sent), so the login limiter can tell clients apart without
// believing a header anyone can set (lib/features/auth/client-address.ts).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { markPeerHeaderTrusted, PEER_HEADER } from "../lib/features/auth/client-address";

const USAGE = `usage: npm start -- [-p PORT] [-H HOSTNAME]
  -p, --port PORT          port to listen on (default: PORT from the environment, else 3000)
  -H, --hostname HOSTNAME  address to listen on (default: every interface, as next start)`;

const argsSchema = z.object({
  port: z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(0, "must be in 0..65535")
    .max(65535, "must be in 0..65535"),
  hostname: z.string().min(1, "must not be empty").optional(),
});

type Args = z.infer<typeof argsSchema>;

/** The flags, or the exit code after printing the usage (--help: 0, bad flags: 2). */
function readArgs(): Args | number {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: "string", short: "p" },
        hostname: { type: "string", short: "H" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const parsed = argsSchema.safeParse({ port: values.port ?? process.env.PORT ?? "3000", hostname: values.hostname });
    if (!parsed.success)
      throw new Error(
        parsed.error.issues
          .map(
            (i) =>
              `--${i.path.join(".")}${i.path[0] === "port" && values.port === undefined ? " (PORT)" : ""}: ${i.message}`,
          )
          .join("; "),
      );
    return parsed.data;
  } catch (err) {
    console.error(`serve: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
}

/**
 * Replaces whatever the client sent as PEER_HEADER by the socket's address. Next builds its requests from
 * `req.headers`; `rawHeaders` is cleaned too so no later reader can find the client's value.
 */
function stampPeer(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (raw[i]!.toLowerCase() !== PEER_HEADER) kept.push(raw[i]!, raw[i + 1]!);
  Reflect.deleteProperty(req.headers, PEER_HEADER);
  const peer = req.socket.remoteAddress;
  if (peer !== undefined) {
    req.headers[PEER_HEADER] = peer;
    kept.push(PEER_HEADER, peer);
  }
  req.rawHeaders.splice(0, raw.length, ...kept);
}

async function main(): Promise<number> {
  const args = readArgs();
  if (typeof args === "number") return args;
  // Set before Next loads anything: its modules read NODE_ENV when first imported.
  Object.assign(process.env, { NODE_ENV: "production" });
  markPeerHeaderTrusted();
  const { default: next } = await import("next");
  const app = next({
    dev: false,
    dir: fileURLToPath(new URL("..", import.meta.url)),
    hostname: args.hostname ?? "localhost",
    port: args.port,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    stampPeer(req);
    handle(req, res).catch((err: unknown) => {
      console.error("serve: request failed:", err);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("internal error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(args.port, args.hostname, resolve);
  });
  const address = server.address();
  const shown = typeof address === "object" && address !== null ? `${address.address}:${address.port}` : args.port;
  console.log(`mnist-lens: serving on ${shown} (client addresses from the socket)`);

  // As next start: stop accepting, let requests in flight finish (at most 5 s: event streams never do), then exit
  // 128 + the signal's number.
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      server.close(() => resolve(code));
      server.closeIdleConnections();
      setTimeout(() => resolve(code), 5000).unref();
    };
    process.once("SIGINT", () => stop(130));
    process.once("SIGTERM", () => stop(143));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
