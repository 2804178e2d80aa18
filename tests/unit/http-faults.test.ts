import { describe, expect, test } from "bun:test";
import { classifyDatabaseFault } from "../../src/shared/infrastructure/postgres/database-errors";
import { faultResponse, methodNotAllowed, nestErrors, routeNotFound, unparsableBody, validationReasons } from "../../src/shared/presentation/http-errors";

const withCode = (code: string, cause?: unknown) => Object.assign(new Error("boom", { cause }), { code });

describe("the database's faults", () => {
  test("a value PostgreSQL cannot take is the request's fault, also wrapped; an outage is unavailability", () => {
    expect(classifyDatabaseFault(new Error("Failed query", { cause: withCode("22003") }))).toBe("INVALID_INPUT");
    expect(classifyDatabaseFault(withCode("ECONNREFUSED"))).toBe("UNAVAILABLE");
  });

  test("anything else is no fault (a bug)", () => {
    for (const error of [withCode("23505"), new Error("x"), "text", null]) expect(classifyDatabaseFault(error)).toBeUndefined();
  });
});

describe("the HTTP layer's own answers", () => {
  test("serialize as the contract spells them", () => {
    expect(JSON.stringify(faultResponse("INVALID_INPUT"))).toBe(
      '{"status":400,"body":{"code":50035,"message":"Invalid Form Body","errors":{"_errors":[{"code":"BASE_TYPE_INVALID","message":"A value is out of range."}]}}}',
    );
    expect(JSON.stringify(faultResponse("UNAVAILABLE"))).toBe('{"status":503,"body":{"code":0,"message":"The database is unavailable; try again shortly."}}');
    expect(routeNotFound()).toEqual({ status: 404, body: { code: 0, message: "404: Not Found" } });
    expect(methodNotAllowed(["GET", "PATCH"])).toEqual({ status: 405, body: { code: 0, message: "405: Method Not Allowed (this path takes GET, PATCH)" } });
    expect(unparsableBody()).toEqual({ status: 400, body: { code: 50109, message: "The request body could not be parsed." } });
  });
});

describe("Discord's nested errors", () => {
  test("nest each field path, with the reasons of the whole body at the top", () => {
    const reason = (message: string) => ({ code: "BASE_TYPE_INVALID", message });
    expect(JSON.parse(JSON.stringify(nestErrors({ "embeds.0.title": reason("a"), "embeds.0.url": reason("b"), _body: reason("c") })))).toEqual({
      embeds: { "0": { title: { _errors: [reason("a")] }, url: { _errors: [reason("b")] } } },
      _errors: [reason("c")],
    });
  });

  test("a client's field named __proto__ or constructor is a key like any other, never a way into Object.prototype", () => {
    const issues = [
      { path: "/__proto__", type: 42 },
      { path: "/constructor/prototype", type: 42 },
    ];
    expect(JSON.stringify(nestErrors(validationReasons(issues, "query")))).toBe(
      '{"__proto__":{"_errors":[{"code":"UNKNOWN_FIELD","message":"Unknown field."}]},' +
        '"constructor":{"prototype":{"_errors":[{"code":"UNKNOWN_FIELD","message":"Unknown field."}]}}}',
    );
    expect(({} as Record<string, unknown>)._errors).toBeUndefined();
  });
});
