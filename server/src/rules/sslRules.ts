/**
 * SSL: content that requires SSL on a site that has nowhere to accept it.
 */
import { findAttr, WEB_SERVICE_PATH, WEB_SERVICE_PREFIX, type MetabaseKey } from '../model/metabaseModel';
import { parseFlags } from '../model/typedValues';
import { decodeXmlValue } from '../parser/scanner';
import type { XmlAttribute } from '../parser/xmlTypes';
import { listSome, rawValue } from './ruleHelpers';
import type { Rule, RuleContext } from './ruleTypes';

const ACCESS_SSL = 8;
const ACCESS_SSL128 = 256;

/** The flag names that make content require SSL, lower case, with the bit each stands for. */
const SSL_FLAGS: ReadonlyMap<string, number> = new Map([
  ['accessssl', ACCESS_SSL],
  ['accessssl128', ACCESS_SSL128],
]);

function siteLabel(ctx: RuleContext, site: MetabaseKey): string {
  const comment = ctx.model.get(site, 'ServerComment')?.trim();
  return comment ? `${comment} (${site.location})` : site.location;
}

/** Does the site have an HTTPS endpoint or a certificate: SecureBindings, or SSLCertHash set on it or inherited? */
function hasSsl(ctx: RuleContext, site: MetabaseKey): boolean {
  const m = ctx.model;
  if (m.bindings(site, 'SecureBindings').length > 0) return true;
  return (m.effective(site, 'SSLCertHash').value ?? '').trim() !== '';
}

/**
 * Where in the value the SSL requirement is written: the `AccessSSL` or `AccessSSL128` name
 * (value-relative offsets of the raw text), or the whole value when it is a number.
 */
function flagSpan(raw: string): { start: number; end: number; name: string } | undefined {
  let from = 0;
  while (from <= raw.length) {
    let bar = raw.indexOf('|', from);
    if (bar < 0) bar = raw.length;
    let s = from;
    let e = bar;
    while (s < e && raw.charCodeAt(s) <= 32) s++;
    while (e > s && raw.charCodeAt(e - 1) <= 32) e--;
    const word = raw.slice(s, e);
    if (SSL_FLAGS.has(word.toLowerCase())) return { start: s, end: e, name: word };
    from = bar + 1;
  }
  return undefined;
}

export const sslRequiredWithoutBinding: Rule = {
  meta: {
    id: 'ssl-required-without-binding',
    defaultSeverity: 'warning',
    description:
      'AccessSSL or AccessSSL128 in AccessSSLFlags (set or inherited) on a web site that has neither SecureBindings nor a server certificate (SSLCertHash, own or inherited): every request is refused with 403.4 and the site has no HTTPS endpoint. Reported on the key that sets the flag; a flag on /LM/W3SVC is reported once, naming the sites without SSL that inherit it. AccessFlags carries no SSL flag in IIS 6 (MBSchema.xml, iiscnfg.h), so only AccessSSLFlags is read.',
    sources: [
      'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc737338(v=ws.10)',
      'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524954(v=vs.90)',
      'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc739755(v=ws.10)',
      'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms525719(v=vs.90)',
      'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc737788(v=ws.10)',
    ],
  },
  // AccessSSLFlags is one of the model's indexed attributes (keysWith); the sites are read
  // through the keys above those and as keys of their type (sites()).
  reads: ['AccessSSLFlags', 'SecureBindings', 'SSLCertHash', 'ServerComment'],
  check(ctx) {
    const m = ctx.model;
    const setters = m.keysWith('AccessSSLFlags');
    if (setters.length === 0) return;
    const p = ctx.catalog.property('AccessSSLFlags');
    if (!p) return;
    // Per check: the site of each parent key, and each site's SSL and name (a site has several setters).
    const siteOfParent = new Map<MetabaseKey | null, MetabaseKey | undefined>();
    const sites = new Map<MetabaseKey, { ssl: boolean; label?: string }>();
    const siteFacts = (site: MetabaseKey): { ssl: boolean; label?: string } => {
      let facts = sites.get(site);
      if (!facts) sites.set(site, (facts = { ssl: hasSsl(ctx, site) }));
      return facts;
    };
    const label = (site: MetabaseKey): string => {
      const facts = siteFacts(site);
      return (facts.label ??= siteLabel(ctx, site));
    };
    /** Sites whose own key or ROOT sets AccessSSLFlags: what /LM/W3SVC sets does not reach their content. */
    let overridden: Set<MetabaseKey> | undefined;
    let service: { key: MetabaseKey; attr: XmlAttribute; raw: string; bits: number } | undefined;
    for (const key of setters) {
      if (key.path !== WEB_SERVICE_PATH && (!key.path.startsWith(WEB_SERVICE_PREFIX) || m.isTemplate(key))) continue;
      if (m.byPath.get(key.path) !== key) continue;
      const attr = findAttr(key.element, 'AccessSSLFlags');
      if (!attr) continue;
      let site: MetabaseKey | undefined;
      if (m.isSite(key)) site = key;
      else if (key.path !== WEB_SERVICE_PATH) {
        if (siteOfParent.has(key.parent)) site = siteOfParent.get(key.parent);
        else siteOfParent.set(key.parent, (site = key.parent ? m.siteOf(key.parent) : undefined));
      }
      if (site && (site === key || (key.parent === site && key.path === `${site.path}/root`))) (overridden ??= new Set()).add(site);
      const raw = rawValue(m, key, attr);
      const bits = parseFlags(decodeXmlValue(raw), p).value & (ACCESS_SSL | ACCESS_SSL128);
      if (bits === 0) continue;
      if (key.path === WEB_SERVICE_PATH) {
        service = { key, attr, raw, bits };
        continue;
      }
      if (!site) continue;
      const facts = siteFacts(site);
      if (!facts.ssl) report(ctx, key, attr, raw, bits, [site], [label(site)]);
    }
    if (service) {
      const bare = m.sites().filter((site) => !overridden?.has(site) && !siteFacts(site).ssl);
      if (bare.length > 0) report(ctx, service.key, service.attr, service.raw, service.bits, bare, bare.map(label));
    }
  },
};

function report(ctx: RuleContext, key: MetabaseKey, attr: XmlAttribute, raw: string, bits: number, sites: MetabaseKey[], names: string[]): void {
  const span = flagSpan(raw);
  const flag = span?.name ?? `AccessSSLFlags="${raw.trim()}"`;
  // AccessSSL alone is documented to give 403.4; which of 403.4 and 403.5 a plain HTTP request to
  // content that requires only 128-bit SSL gets is not.
  const status = bits & ACCESS_SSL ? '403.4 (SSL required)' : '403.4 or 403.5 (SSL, 128-bit SSL required)';
  const labels = listSome(names);
  const one = sites.length === 1;
  const message =
    key.path === WEB_SERVICE_PATH
      ? `${flag} requires HTTPS on ${one ? `site ${labels}, which has` : `${sites.length} sites that have`} no SSL binding. Neither SecureBindings nor a server certificate (SSLCertHash) is set ${one ? 'there' : `on ${labels}`}, so every request is refused with ${status} and there is no HTTPS endpoint to go to. Give ${one ? 'that site' : 'those sites'} an SSL binding and a certificate, set AccessSSLFlags on ${one ? 'it' : 'them'}, or remove ${flag} here.`
      : `${flag} requires HTTPS here, but site ${labels} has no SSL binding. Neither SecureBindings nor a server certificate (SSLCertHash) is set on the site, so every request here is refused with ${status} and there is no HTTPS endpoint to go to. Give the site an SSL binding and a certificate, or remove ${flag}.`;
  const data = { sites: sites.map((s) => s.location) };
  if (span) {
    const base = key.element.start + attr.valueStart;
    ctx.report({ start: base + span.start, end: base + span.end, key, property: 'AccessSSLFlags', message, data });
  } else ctx.reportValue(key, attr, message, { data });
}

export const sslRules: Rule[] = [sslRequiredWithoutBinding];
