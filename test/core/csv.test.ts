import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "../../lib/core/csv";

describe("toCsv", () => {
  it("joins a header and rows with commas and CRLF line ends", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          [1, 0.5],
          [2, null],
        ],
      ),
    ).toBe("a,b\r\n1,0.5\r\n2,\r\n");
  });

  it("quotes fields holding commas, quotes or line breaks, doubling the quotes", () => {
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvField("plain")).toBe("plain");
  });
});
