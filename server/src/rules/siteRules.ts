/**
 * Sites: ServerBindings and SecureBindings must be well-formed and unique across sites.
 */
import { findAttr, type MetabaseKey } from '../model/metabaseModel';
import { entryRange } from './ruleHelpers';
import type { Rule, RuleContext } from './ruleTypes';

const BINDINGS = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc782812(v=ws.10)';

function siteName(ctx: RuleContext, site: MetabaseKey): string {
  return ctx.model.get(site, 'ServerComment') ?? site.location;
}

export const invalidBinding: Rule = {
  meta: {
    id: 'invalid-binding',
    defaultSeverity: 'error',
    description: 'A ServerBindings or SecureBindings entry that is not IP:Port:HostHeader.',
    sources: [BINDINGS, 'http://woshub.com/run-multiple-websites-on-the-same-port-and-ip-address-on-iis/', 'http://w3-4u.blogspot.com/2006/11/howto-change-id-of-iis-website.html'],
  },
  keyTypes: ['IIsWebServer'],
  checkKey(ctx, key) {
    if (ctx.model.isTemplate(key)) return;
    for (const name of ['ServerBindings', 'SecureBindings'] as const) {
      const attr = findAttr(key.element, name);
      if (!attr) continue;
      for (const parsed of ctx.model.bindings(key, name)) {
        if (!parsed.ok) ctx.report({ ...entryRange(key, attr, parsed.entry), key, property: name, message: `${name}: ${parsed.problem}.` });
      }
    }
  },
};

export const duplicateBinding: Rule = {
  meta: {
    id: 'duplicate-server-binding',
    defaultSeverity: 'error',
    description: 'Two sites with the same IP:Port:HostHeader binding; the second one cannot start.',
    sources: ['http://w3-4u.blogspot.com/2006/11/howto-change-id-of-iis-website.html', BINDINGS, 'http://woshub.com/run-multiple-websites-on-the-same-port-and-ip-address-on-iis/'],
  },
  reads: ['ServerBindings', 'ServerComment'],
  check(ctx) {
    const m = ctx.model;
    // forEach: no [id, sites] pair per binding of 10,000 sites.
    m.bindingIndex('ServerBindings').forEach((sites, id) => {
      if (sites.length < 2) return;
      const earlier = sites[0];
      for (const site of sites.slice(1)) {
        const parsed = m.bindings(site, 'ServerBindings').find((b) => b.ok && b.binding.id === id);
        if (!parsed || !parsed.ok) continue;
        const b = parsed.binding;
        ctx.report({
          ...entryRange(site, findAttr(site.element, 'ServerBindings')!, b.entry),
          key: site,
          property: 'ServerBindings',
          message: `The binding "${b.entry.text}" is already used by site ${siteName(ctx, earlier)}. That site is ${earlier.location}; only one site can register an IP:port:host combination, so whichever starts second is stopped. Give this site its own host header, IP address or port.`,
          data: { otherSite: earlier.location },
        });
      }
    });
  },
};

export const sslBindingConflict: Rule = {
  meta: {
    id: 'ssl-binding-conflict',
    defaultSeverity: 'warning',
    description: 'SSL sites sharing one IP:port with different certificates (IIS 6 picks the certificate by IP:port only).',
    sources: ['https://blogs.msdn.microsoft.com/kaushal/2013/05/26/difference-in-iis-6-iis-7-x-and-iis-8-with-regards-to-ssl/', 'https://www.digicert.com/kb/ssl-support/configure-iis-host-headers.htm'],
  },
  reads: ['SecureBindings', 'SSLCertHash', 'ServerComment'],
  check(ctx) {
    const m = ctx.model;
    for (const [id, sites] of m.bindingIndex('SecureBindings')) {
      if (sites.length < 2) continue;
      const earlier = sites[0];
      const first = m.bindings(earlier, 'SecureBindings').find((b) => b.ok && `${b.binding.ip}:${b.binding.port}` === id);
      if (!first || !first.ok) continue;
      const certA = m.get(earlier, 'SSLCertHash')?.trim().toLowerCase();
      for (const site of sites.slice(1)) {
        for (const parsed of m.bindings(site, 'SecureBindings')) {
          if (!parsed.ok || `${parsed.binding.ip}:${parsed.binding.port}` !== id) continue;
          const b = parsed.binding;
          const identical = first.binding.host === b.host;
          const certB = m.get(site, 'SSLCertHash')?.trim().toLowerCase();
          if (!identical && certA && certB && certA === certB) continue; // one wildcard/SAN certificate shared on purpose
          const where = b.ip ? `${b.ip}:${b.port}` : `port ${b.port} of all unassigned addresses`;
          ctx.report({
            ...entryRange(site, findAttr(site.element, 'SecureBindings')!, b.entry),
            key: site,
            property: 'SecureBindings',
            severity: identical ? 'error' : undefined,
            message: identical
              ? `SecureBindings "${b.entry.text}" is also site ${siteName(ctx, earlier)}'s, so only one of them can start. The other site is ${earlier.location}.`
              : `Browsers get site ${siteName(ctx, earlier)}'s certificate here: both sites use SSL on ${where}. IIS 6 chooses the certificate by IP and port before it knows the host name. Use a separate IP address or port, or one wildcard/SAN certificate (same SSLCertHash) for both sites (the other is ${earlier.location}).`,
            data: { otherSite: earlier.location },
          });
        }
      }
    }
  },
};

export const siteRules: Rule[] = [invalidBinding, duplicateBinding, sslBindingConflict];
