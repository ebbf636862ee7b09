// Names of the tfjs backends a user may force with TFJS_BACKEND (pure, importable by env validation).
import { z } from "zod";

export const backendNameSchema = z.enum(["auto", "tensorflow", "wasm", "cpu"]);
export type BackendName = z.infer<typeof backendNameSchema>;
