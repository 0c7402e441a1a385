/**
 * The IMDS endpoint a shell's SDKs will call, from AWS_EC2_METADATA_SERVICE_ENDPOINT:
 * scheme, host and port are what the SDKs use (see docs/imds-protocol.md, "Endpoint variables").
 */


/** Host names that reach a loopback listener, as URL.hostname spells them. */

export interface ParsedEndpoint {
  readonly url: URL;
  readonly port: number;
}

/** The endpoint, or a sentence saying why no SDK can use it. */
export function parseEndpoint(raw: string): ParsedEndpoint | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${raw} is not a URL`;
  }
  if (url.protocol !== 'http:') return `${raw} is not an http:// URL (imdsd serves plain http on loopback)`;
  return { url, port: url.port === '' ? 80 : Number(url.port) };
}

/** The base URL of a local port, as `imdsd env` prints it. */
export function localEndpoint(port: number): URL {
  return new URL(`http://localhost:${port}/`);
}
