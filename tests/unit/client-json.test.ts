import { describe, expect, test } from "bun:test";
import { parseClientJson } from "../../src/shared/kernel/client-json";

describe("client JSON", () => {
  test("an id sent as a number keeps its exact digits, as a decimal string (discord.py sends ids as integers)", () => {
    expect(parseClientJson('{"message_reference":{"message_id":1446215713927843840,"channel_id":1446215713927843841}}')).toEqual({
      message_reference: { message_id: "1446215713927843840", channel_id: "1446215713927843841" },
    });
    expect(parseClientJson('{"user_ids":[1446215713927843840, 2]}')).toEqual({ user_ids: ["1446215713927843840", 2] });
  });

  test("everything else parses as JSON.parse does", () => {
    for (const text of ['{"a":1,"b":2.5,"c":"1446215713927843840","d":[true,null]}', "9007199254740991", '"x"', '{"n":1e300}', '{"f":12345678901234567.5}']) {
      expect(parseClientJson(text)).toEqual(JSON.parse(text));
    }
    expect(() => parseClientJson("{")).toThrow(SyntaxError);
  });
});
