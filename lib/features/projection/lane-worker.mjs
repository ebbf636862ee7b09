// A projection lane's thread: plain JavaScript that registers tsx itself (Node 20 does not apply a worker's `--import`
// loader to its own entry module), then hands every message to lane-thread.ts.
import { register } from "tsx/esm/api";

register();
await import("./lane-thread.ts");
