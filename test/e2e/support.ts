/** Helpers shared by the end-to-end specs (not a spec: Playwright runs only *.spec.ts). */
import { type Page } from '@playwright/test';

/**
 * Collects console errors and warnings and uncaught page errors: a clean page has none.
 * With `failedRequests`, a request that fails (a missing asset, a blocked fetch) counts too.
 */
export function watchForProblems(page: Page, options: { failedRequests?: boolean } = {}): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  if (options.failedRequests) page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  return problems;
}
