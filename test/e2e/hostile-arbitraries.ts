// The fast-check inputs of the hostile-input suite: URL components, queries and job API bodies.
import fc from "fast-check";

/** Put in inputs: an HTML answer holding it unescaped would be injectable markup. */
export const MARKER = "<x-hostile>";

/** Query parameter names the pages and routes read, and random ones. */
const KEYS = [
  "run",
  "runs",
  "epoch",
  "iter",
  "iteration",
  "layer",
  "method",
  "metric",
  "page",
  "pred",
  "true",
  "sort",
  "subset",
  "classes",
  "set",
  "row",
  "k",
  "next",
  // /labels and its pixel route.
  "source",
  "rank",
  "given",
  "suggested",
  "indices",
  "class",
  "baseline",
  "checkpoint",
];

/** A URL component, already encoded: real ids, limits, encodings (valid and not), markup, random text. */
export function component(realIds: string[]): fc.Arbitrary<string> {
  const limits = [
    "0",
    "-1",
    "1",
    "2147483647",
    "2147483648",
    "4294967296",
    "9007199254740993",
    "1e309",
    "-0",
    "NaN",
    "Infinity",
    "0x10",
    "1e2",
    "1.5",
    " 1",
    "4-9",
    "9-4",
    "4-4",
    "pixels",
    "probe",
    "test",
    "tsne",
    "pca",
    "none",
  ];
  const rawEncodings = [
    "%25",
    "%2525",
    "%",
    "%E0%A4%A",
    "%C0%AF",
    "%FF",
    "%00",
    "%0A",
    "%0D%0ASet-Cookie:x=1",
    "%2e%2e",
    "..",
    "%2F",
    "%5C",
    "%u0041",
    "%EF%BF%BD",
  ];
  const bytes = fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 })
    .map((b) => b.map((x) => `%${x.toString(16).padStart(2, "0").toUpperCase()}`).join(""));
  return fc.oneof(
    { arbitrary: fc.constantFrom(...realIds), weight: 3 },
    { arbitrary: fc.constantFrom(...limits), weight: 3 },
    { arbitrary: fc.constantFrom(...rawEncodings), weight: 2 },
    { arbitrary: fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String), weight: 1 },
    { arbitrary: fc.double().map(String), weight: 1 },
    { arbitrary: bytes, weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(`${s}${MARKER}${s}`)), weight: 2 },
    { arbitrary: fc.string({ unit: "binary", minLength: 500, maxLength: 4000 }).map(encodeURIComponent), weight: 1 },
  );
}

/** A query every route accepts (each reads the keys it knows), so one hostile value among them gets past the others. */
export function validQuery(realIds: string[]): Record<string, string> {
  const [a = "1", b = "2"] = realIds;
  return {
    subset: "test",
    layer: "0",
    method: "pca",
    epoch: "1",
    iteration: "0",
    iter: "0",
    row: "0",
    k: "5",
    set: "errors",
    run: a,
    runs: `${a},${b}`,
    classes: "4,9",
    sort: "index",
    page: "1",
    true: "4",
    pred: "9",
    metric: "knn",
    indices: "0,1,2",
    class: "predicted",
    baseline: "black",
    checkpoint: "best",
  };
}

export function query(realIds: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...KEYS), weight: 4 },
    { arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent), weight: 1 },
  );
  const base = validQuery(realIds);
  const random = fc
    .array(fc.tuple(key, component(realIds)), { maxLength: 6 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
  const oneHostile = fc.tuple(fc.constantFrom(...Object.keys(base)), component(realIds)).map(
    ([hostile, value]) =>
      `?${Object.entries(base)
        .map(([k, v]) => `${k}=${k === hostile ? value : v}`)
        .join("&")}`,
  );
  return fc.oneof(random, oneHostile);
}

/** A job API body: random JSON, the form's fields with hostile values, nesting, and bodies that are not objects. */
export function jobBody(): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.integer(),
    fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, Number.MAX_VALUE, 1e-300, 0.5),
    fc.constantFrom("0x10", "1e2", "16", " 16", "16abc", "", "\u0000", MARKER, "Infinity", "NaN", "-0"),
    fc.string({ maxLength: 30 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.string({ maxLength: 4 })), { maxLength: 10 }),
    fc.integer({ min: 1, max: 60 }).map((depth) => JSON.parse("[".repeat(depth) + "4" + "]".repeat(depth)) as unknown),
  );
  const fields = fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 80 }), fc.constant(MARKER), value),
      notes: fc.oneof(fc.string({ maxLength: 200 }), value),
      architecture: fc.oneof(fc.constantFrom("mlp", "cnn", "MLP", ""), value),
      hidden: value,
      epochs: value,
      batchSize: value,
      learningRate: value,
      optimizer: value,
      trainSize: value,
      testSize: value,
      probeSize: value,
      seed: value,
      validationSplit: value,
      dropout: value,
      count: value,
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { arbitrary: fields.map((f) => JSON.stringify(f)), weight: 5 },
    { arbitrary: fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: fc.constantFrom("null", "[]", '""', "0", "{", "{}}", "", "\u0000", "{'a':1}"), weight: 1 },
    { arbitrary: fc.string({ maxLength: 100 }), weight: 1 },
  );
}
