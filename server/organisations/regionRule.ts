/**
 * Which organisation serves which district, from the shape of GB/T 2260
 * codes alone (XX0000 a province, XXXX00 a city, else a district; 9 digits a
 * street or town): pure, shared by the server and the /apply page.
 */
function prefixOf(code: string): string {
  if (code.length === 6 && code.endsWith('0000')) return code.slice(0, 2);
  if (code.length === 6 && code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** Does an organisation registered at `organisationCode` serve a worker who worked in `regionCode`? */
export function serves(organisationCode: string, regionCode: string): boolean {
  const org = prefixOf(organisationCode);
  const region = prefixOf(regionCode);
  // A province organisation serves its province, a city one its city; a street-level one (9 digits) its district too.
  return region.startsWith(org) || org.startsWith(region);
}

/** How local an organisation is: the district's own first, then its city's, then its province's. */
export function specificity(organisationCode: string): number {
  return prefixOf(organisationCode).length;
}
