/** Worker API for the network view and node inspector (filled in by that view's work). */
export const networkApi = {};
