import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { MediaAccess } from '@ablak/protocol';

let bundle: Promise<string> | undefined;

/** The clerk-side media script, bundled once per test run. */
function clerkMediaBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(path.dirname(fileURLToPath(import.meta.url)), 'clerk-media-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundle;
}

/**
 * Opens the clerk's media in `page` (a second Chromium with a fake camera): joins the call's room with
 * the clerk's grant from `offer:accept` and publishes camera and mic.
 */
export async function startClerkMedia(page: Page, serverUrl: string, access: MediaAccess): Promise<void> {
  // any page of the server's origin is a secure context that may use the camera and reach /media
  await page.goto(`${serverUrl}/healthz`);
  await page.evaluate(await clerkMediaBundle());
  await page.evaluate(
    (a) => (window as unknown as { clerkMedia: { start(a: unknown): Promise<void> } }).clerkMedia.start(a),
    access,
  );
}

/** The clerk shares a (canvas) screen in the call. */
export async function shareClerkScreen(page: Page): Promise<void> {
  await page.evaluate(() =>
    (window as unknown as { clerkMedia: { shareScreen(): Promise<void> } }).clerkMedia.shareScreen(),
  );
}
