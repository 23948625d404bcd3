/**
 * The URLs of one signing window, remembered in a container. A thumbnail's URL is fixed for its
 * whole window (cdn-url.ts, s3-url-window.ts), so signing it again on every read only burns CPU:
 * an RSA signature per CloudFront URL, two SHA-256 passes per S3 one, 300 of them for one
 * listImages page. A new window (or anything else the URLs depend on changing) starts afresh;
 * past `maxUrls` the oldest is forgotten (~0.5 KB each).
 */
export class WindowMemo {
  private window: string | undefined;
  private readonly urls = new Map<string, string>();
  private readonly maxUrls: number;

  // No parameter property: the local Lambda runs this file through Node's type stripping.
  constructor(maxUrls = 10_000) {
    this.maxUrls = maxUrls;
  }

  /** `key`'s URL in `window` (an id of everything its URL depends on besides the key), if signed. */
  get(window: string, key: string): string | undefined {
    if (window !== this.window) {
      this.window = window;
      this.urls.clear();
      return undefined;
    }
    return this.urls.get(key);
  }

  remember(window: string, key: string, url: string): void {
    if (window !== this.window) return;
    if (this.urls.size >= this.maxUrls) {
      const oldest = this.urls.keys().next().value;
      if (oldest !== undefined) this.urls.delete(oldest);
    }
    this.urls.set(key, url);
  }
}
