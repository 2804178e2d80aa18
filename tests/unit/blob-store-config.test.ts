import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/shared/infrastructure/config";
import { problemsOf } from "../support/config";

const S3 = { S3_BUCKET: "xcord-files", S3_ACCESS_KEY_ID: "AKIA", S3_SECRET_ACCESS_KEY: "secret" };

describe("blob store configuration (issue 17, item 3)", () => {
  test("the store follows the deployment: disk when embedded, PostgreSQL with DATABASE_URL, S3 with S3_BUCKET", () => {
    expect(loadConfig({}).blobStore).toBe("filesystem");
    expect(loadConfig({}).s3).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: "postgres://db/xcord" }).blobStore).toBe("postgres");
    expect(loadConfig({ DATABASE_URL: "postgres://db/xcord", ...S3 }).blobStore).toBe("s3");
    expect(loadConfig({ DATABASE_URL: "postgres://db/xcord", BLOB_STORE: "filesystem" }).blobStore).toBe("filesystem");
  });

  test("S3 settings are read with their defaults: AWS addressing, us-east-1, attachments/ prefix", () => {
    expect(loadConfig(S3).s3).toEqual({
      endpoint: undefined,
      bucket: "xcord-files",
      region: "us-east-1",
      accessKeyId: "AKIA",
      secretAccessKey: "secret",
      sessionToken: undefined,
      forcePathStyle: true,
      keyPrefix: "attachments/",
    });
    const custom = loadConfig({ ...S3, S3_ENDPOINT: "http://127.0.0.1:9000", S3_REGION: "eu-west-3", S3_FORCE_PATH_STYLE: "false", S3_KEY_PREFIX: "prod/", S3_SESSION_TOKEN: "t" }).s3;
    expect(custom).toMatchObject({ endpoint: "http://127.0.0.1:9000", region: "eu-west-3", forcePathStyle: false, keyPrefix: "prod/", sessionToken: "t" });
  });

  test("every S3 problem is reported, one line each, and no secret is echoed", () => {
    const problems = problemsOf({ S3_BUCKET: "Bad_Bucket", S3_ENDPOINT: "ftp://x", S3_REGION: "EU WEST", S3_FORCE_PATH_STYLE: "maybe", S3_KEY_PREFIX: "/abs" });
    expect([...problems].sort()).toEqual(
      [
        'S3_FORCE_PATH_STYLE: expected true or false, got "maybe"',
        "S3_ENDPOINT: expected a URL starting with http:// or https://",
        'S3_BUCKET: expected 3 to 63 lowercase letters, digits, dots or hyphens, got "Bad_Bucket"',
        "S3_ACCESS_KEY_ID: expected the access key id of the bucket's credentials when S3_BUCKET is set",
        "S3_SECRET_ACCESS_KEY: expected the secret access key of the bucket's credentials when S3_BUCKET is set",
        'S3_REGION: expected a region name such as us-east-1, got "EU WEST"',
        "S3_KEY_PREFIX: expected at most 512 characters, not starting with / and without control characters or backslashes",
      ].sort(),
    );
    const secret = "wJalrXUtnFEMI-K7MDENG";
    expect(problemsOf({ ...S3, S3_SECRET_ACCESS_KEY: secret, S3_ACCESS_KEY_ID: "", S3_REGION: "?" }).join("\n")).not.toContain(secret);
  });

  test("S3 settings without a bucket, or a store its settings cannot back, stop the start", () => {
    expect(problemsOf({ S3_ENDPOINT: "http://127.0.0.1:9000", S3_ACCESS_KEY_ID: "a" })).toEqual([
      "S3_BUCKET: expected a bucket name when S3_ENDPOINT, S3_ACCESS_KEY_ID are set",
    ]);
    expect(problemsOf({ BLOB_STORE: "s3" })).toEqual(["BLOB_STORE: s3 needs S3_BUCKET (and the other S3_* settings)"]);
    expect(problemsOf({ BLOB_STORE: "postgres" })).toEqual(["BLOB_STORE: postgres needs DATABASE_URL (the embedded database keeps files in DATA_DIR)"]);
    expect(problemsOf({ BLOB_STORE: "disk" })).toEqual(["BLOB_STORE: expected one of postgres, s3, filesystem, got \"disk\""]);
  });
});
