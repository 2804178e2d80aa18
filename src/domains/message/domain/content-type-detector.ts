/** Tells a file's type from its magic numbers. */
export interface ContentTypeDetector {
  /** The MIME type the bytes prove, or undefined when they carry no known signature. */
  detect(bytes: Uint8Array): Promise<string | undefined>;
}
