/** Offers a blob as a file download with the given name (exports, documents). */
export function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // the download has started by the next task; a later revoke only frees memory
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
