import { describe, expect, test } from "bun:test";
import { isDatabaseUnavailable, isDriverWriteAfterClose, isInvalidDatabaseInput } from "../../src/shared/infrastructure/postgres/database-errors";

const withCode = (code: string, cause?: unknown) => Object.assign(new Error("boom", { cause }), { code });

describe("isDatabaseUnavailable", () => {
  test("connection failures, server shutdowns and SQLSTATE class 08, also wrapped (drizzle)", () => {
    for (const code of ["CONNECTION_CLOSED", "CONNECT_TIMEOUT", "ECONNREFUSED", "57P01", "57P03", "08006"]) {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
      expect(isDatabaseUnavailable(new Error("Failed query", { cause: withCode(code) }))).toBe(true);
    }
  });

  test("query errors and everything else are not", () => {
    for (const error of [withCode("23505"), withCode("42P01"), new Error("x"), "text", null]) expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe("isInvalidDatabaseInput", () => {
  test("numbers out of range and text that is not a number, also wrapped", () => {
    for (const code of ["22003", "22P02"]) {
      expect(isInvalidDatabaseInput(withCode(code))).toBe(true);
      expect(isInvalidDatabaseInput(new Error("Failed query", { cause: withCode(code) }))).toBe(true);
    }
    for (const error of [withCode("23505"), withCode("57P01"), new Error("x")]) expect(isInvalidDatabaseInput(error)).toBe(false);
  });
});

describe("isDriverWriteAfterClose", () => {
  const typeError = (message: string, stack: string) => Object.assign(new TypeError(message), { stack: `TypeError: ${message}\n${stack}` });
  const driverFrame = "      at nextWrite (/app/node_modules/postgres/src/connection.js:255:15)";

  test("postgres-js's write on a closed connection, as Bun and Node word it", () => {
    expect(isDriverWriteAfterClose(typeError("null is not an object (evaluating 'socket.write')", driverFrame))).toBe(true);
    expect(isDriverWriteAfterClose(typeError("Cannot read properties of null (reading 'write')", `    at Immediate.nextWrite (/x/node_modules/postgres/src/connection.js:255:22)`))).toBe(true);
  });

  test("the same words from anywhere else, or any other error, are not", () => {
    expect(isDriverWriteAfterClose(typeError("null is not an object (evaluating 'socket.write')", "      at nextWrite (/app/src/my-socket.ts:3:1)"))).toBe(false);
    expect(isDriverWriteAfterClose(typeError("undefined is not a function", driverFrame))).toBe(false);
    expect(isDriverWriteAfterClose(Object.assign(new Error("null is not an object (evaluating 'socket.write')"), { stack: driverFrame }))).toBe(false);
    expect(isDriverWriteAfterClose("socket.write")).toBe(false);
  });
});
