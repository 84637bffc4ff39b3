/** Public rule documentation, for outputs read away from this machine (SARIF, CLI, hovers offline). */
export const DOCS_BASE_URL = 'https://github.com/nhi-hygiene/nhi-hygiene/blob/main/rules';

export function publicDocsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}/${ruleId}/docs.md`;
}
