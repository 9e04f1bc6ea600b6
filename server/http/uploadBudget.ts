/**
 * What one file streaming to storage holds in memory at most: its 255 KiB GridFS
 * chunk and the copy sent to the database, the first and last 64 KiB kept for the
 * type check, and the stream buffers between parser, cipher and writer.
 */
export const STREAM_RESERVATION_BYTES = 1024 * 1024;

/**
 * Bytes of uploaded files held in memory by all requests of this process
 * together. A request that would go over it is refused (503 UPLOADS_BUSY) instead
 * of growing the heap: ten concurrent large uploads cannot take the server down.
 * A file streamed to storage takes a fixed STREAM_RESERVATION_BYTES while it streams.
 */
export class UploadBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  get inUse(): number {
    return this.used;
  }
}

export const uploadBudget = new UploadBudget(Number(process.env.UPLOAD_MEMORY_BUDGET_BYTES) || 96 * 1024 * 1024);
