/** Worker API for the explorer view (filled in by that view's work). */
export const explorerApi = {};
