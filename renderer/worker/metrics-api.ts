/** Worker API for the metrics view (filled in by that view's work). */
export const metricsApi = {};
