// A pool thread: imports each run's kernel module once, then claims chunks until none is left. Plain JavaScript that
// registers tsx itself, because Node 20 does not apply a worker's `--import` loader to the worker's own entry module.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { ACTIVE, FAILED, NEXT } = await import("./control.ts");
const { control, errorPort } = workerData;
const kernels = new Map();

async function kernelOf(module, name) {
  const key = `${module}#${name}`;
  let fn = kernels.get(key);
  if (!fn) {
    const exported = (await import(module))[name];
    fn = typeof exported === "function" ? exported : exported?.fn;
    if (typeof fn !== "function") throw new Error(`${module} exports no kernel named ${name}`);
    kernels.set(key, fn);
  }
  return fn;
}

async function run(message) {
  try {
    const fn = await kernelOf(message.module, message.name);
    for (;;) {
      const chunk = Atomics.add(control, NEXT, 1);
      if (chunk >= message.chunks) break;
      fn(chunk, message.args);
    }
  } catch (err) {
    errorPort.postMessage(err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err));
    Atomics.store(control, FAILED, 1);
    // Nobody claims the rest: the caller throws the error instead.
    Atomics.store(control, NEXT, message.chunks);
  } finally {
    Atomics.sub(control, ACTIVE, 1);
    Atomics.notify(control, ACTIVE);
  }
}

// Runs arrive one at a time (the caller blocks until each ends); the chain keeps a slow first import in order.
let queue = Promise.resolve();
parentPort.on("message", (message) => {
  queue = queue.then(() => run(message));
});
