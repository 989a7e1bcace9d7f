/** Worker API for the scenario view (filled in by that view's work). */
export const scenarioApi = {};
