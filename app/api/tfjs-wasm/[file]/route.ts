// tfjs's WebAssembly binaries for the /draw playground's wasm backend, served from the installed package.
import { isTfjsWasmFile, readTfjsWasm, tfjsWasmVersion, TFJS_WASM_FILES } from "@/lib/features/draw/wasm-files";
import { badParameter } from "@/app/api/_lib/handler";
import { withRanges } from "@/app/api/_lib/blob-response";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  if (!isTfjsWasmFile(file)) return badParameter("file", `one of ${TFJS_WASM_FILES.join(", ")}`);
  const [bytes, version] = await Promise.all([readTfjsWasm(file), tfjsWasmVersion()]);
  const headers = {
    // WebAssembly.instantiateStreaming requires this type.
    "Content-Type": "application/wasm",
    "Cache-Control": "public, max-age=86400",
    ETag: `"tfjs-wasm-${version}-${file}-${bytes.length}"`,
  };
  return withRanges(request, new Response(bytes, { headers }));
}
