// tfjs's WebAssembly binaries, read from the installed @tensorflow/tfjs-backend-wasm for the browser: nothing is
// fetched from a CDN at run time.
import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** The binaries tfjs-backend-wasm asks for (plain, SIMD, threaded SIMD), by the names it requests. */
export const TFJS_WASM_FILES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
] as const;
export type TfjsWasmFile = (typeof TFJS_WASM_FILES)[number];

export function isTfjsWasmFile(name: string): name is TfjsWasmFile {
  return (TFJS_WASM_FILES as readonly string[]).includes(name);
}

/** Where the files are: next start runs from the project folder, where node_modules is. */
function wasmDir(): string {
  return path.join(process.cwd(), "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
}

const cache = new Map<TfjsWasmFile, Uint8Array<ArrayBuffer>>();

/** One binary's bytes, read once per process (they change only with an npm install, which restarts the server). */
export async function readTfjsWasm(name: TfjsWasmFile): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = cache.get(name);
  if (!bytes) {
    const buffer = await readFile(path.join(wasmDir(), name));
    bytes = new Uint8Array(buffer.byteLength);
    bytes.set(buffer);
    cache.set(name, bytes);
  }
  return bytes;
}

let version: Promise<string> | null = null;

/** The installed package's version, read once: part of the binaries' ETag. */
export function tfjsWasmVersion(): Promise<string> {
  version ??= readFile(path.join(wasmDir(), "..", "package.json"), "utf8").then((text) => {
    const pkg = JSON.parse(text) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  });
  return version;
}
