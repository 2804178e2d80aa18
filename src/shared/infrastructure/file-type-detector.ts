import { fileTypeFromBuffer } from "file-type";
import type { ContentTypeDetector } from "../../domains/message/domain/content-type-detector";

/** Magic-number detection with the maintained `file-type` package (it reads only the first few KiB it needs). */
export class FileTypeDetector implements ContentTypeDetector {
  async detect(bytes: Uint8Array): Promise<string | undefined> {
    return (await fileTypeFromBuffer(bytes))?.mime;
  }
}
