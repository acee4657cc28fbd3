// A chosen or dropped file as the core takes it: base64 text (see core/src/exchange/upload.rs).

import type { Upload } from './bindings';

/** The file's bytes as base64, read by the webview itself (readAsDataURL), without the `data:` prefix. */
export function uploadOf(file: Blob): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = reader.result as string;
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}
