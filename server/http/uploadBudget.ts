/**
 * Bytes of uploaded files held in memory by all requests of this process
 * together. A request that would go over it is refused (503 UPLOADS_BUSY) instead
 * of growing the heap: ten concurrent large uploads cannot take the server down.
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
