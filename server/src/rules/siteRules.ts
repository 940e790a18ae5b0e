/**
 * Sites: ServerBindings and SecureBindings must be well-formed and unique across sites.
 */
import { findAttr, type MetabaseKey } from '../model/metabaseModel';
import type { Binding } from '../model/iisValues';
import type { XmlAttribute } from '../parser/xmlTypes';
import { entryRange } from './ruleHelpers';
import type { Rule, RuleContext } from './ruleTypes';

const BINDINGS = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc782812(v=ws.10)';

interface SiteBinding {
  site: MetabaseKey;
  attr: XmlAttribute;
  binding: Binding;
}

function siteName(ctx: RuleContext, site: MetabaseKey): string {
  return ctx.model.get(site, 'ServerComment') ?? site.location;
}

function bindingsOf(ctx: RuleContext, name: 'ServerBindings' | 'SecureBindings'): SiteBinding[] {
  const out: SiteBinding[] = [];
  for (const site of ctx.model.keysWith(name)) {
    if (site.keyType !== 'IIsWebServer' || ctx.model.isTemplate(site) || ctx.model.byPath.get(site.path) !== site) continue;
    const attr = findAttr(site.element, name);
    if (!attr) continue;
    for (const parsed of ctx.model.bindings(site, name)) if (parsed.ok) out.push({ site, attr, binding: parsed.binding });
  }
  return out;
}

export const invalidBinding: Rule = {
  meta: {
    id: 'invalid-binding',
    defaultSeverity: 'error',
    description: 'A ServerBindings or SecureBindings entry that is not IP:Port:HostHeader.',
    sources: [BINDINGS, 'http://woshub.com/run-multiple-websites-on-the-same-port-and-ip-address-on-iis/', 'misconfigs.md #17'],
  },
  checkKey(ctx, key) {
    if (key.keyType !== 'IIsWebServer' || ctx.model.isTemplate(key)) return;
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
    sources: ['http://w3-4u.blogspot.com/2006/11/howto-change-id-of-iis-website.html', BINDINGS, 'misconfigs.md #17'],
  },
  check(ctx) {
    const m = ctx.model;
    const first = new Map<string, MetabaseKey>();
    for (const site of m.keysWith('ServerBindings')) {
      if (site.keyType !== 'IIsWebServer' || m.isTemplate(site) || m.byPath.get(site.path) !== site) continue;
      for (const parsed of m.bindings(site, 'ServerBindings')) {
        if (!parsed.ok) continue;
        const b = parsed.binding;
        const earlier = first.get(b.id);
        if (!earlier) {
          first.set(b.id, site);
          continue;
        }
        if (earlier === site) continue;
        ctx.report({
          ...entryRange(site, findAttr(site.element, 'ServerBindings')!, b.entry),
          key: site,
          property: 'ServerBindings',
          message: `The binding "${b.entry.text}" is already used by site ${siteName(ctx, earlier)} (${earlier.location}). Only one site can register an IP:port:host combination, so whichever starts second is stopped (the URL prefix cannot be registered). Give this site its own host header, IP address or port.`,
          data: { otherSite: earlier.location },
        });
      }
    }
  },
};

export const sslBindingConflict: Rule = {
  meta: {
    id: 'ssl-binding-conflict',
    defaultSeverity: 'warning',
    description: 'SSL sites sharing one IP:port with different certificates (IIS 6 picks the certificate by IP:port only).',
    sources: ['https://blogs.msdn.microsoft.com/kaushal/2013/05/26/difference-in-iis-6-iis-7-x-and-iis-8-with-regards-to-ssl/', 'misconfigs.md #18'],
  },
  check(ctx) {
    const m = ctx.model;
    const first = new Map<string, SiteBinding>();
    for (const b of bindingsOf(ctx, 'SecureBindings')) {
      const id = `${b.binding.ip}:${b.binding.port}`;
      const earlier = first.get(id);
      if (!earlier) {
        first.set(id, b);
        continue;
      }
      if (earlier.site === b.site) continue;
      const identical = earlier.binding.host === b.binding.host;
      const certA = m.get(earlier.site, 'SSLCertHash')?.trim().toLowerCase();
      const certB = m.get(b.site, 'SSLCertHash')?.trim().toLowerCase();
      if (!identical && certA && certB && certA === certB) continue; // one wildcard/SAN certificate shared on purpose
      const where = `${b.binding.ip || 'all unassigned addresses'}, port ${b.binding.port}`;
      ctx.report({
        ...entryRange(b.site, b.attr, b.binding.entry),
        key: b.site,
        property: 'SecureBindings',
        severity: identical ? 'error' : undefined,
        message: identical
          ? `SecureBindings "${b.binding.entry.text}" is identical to site ${siteName(ctx, earlier.site)}'s (${earlier.site.location}); the second site cannot start.`
          : `Site ${siteName(ctx, earlier.site)} (${earlier.site.location}) already uses SSL on ${where}. IIS 6 chooses the certificate by IP and port before it knows the host name, so browsers get the other site's certificate here. Use a separate IP address or port, or one wildcard/SAN certificate (same SSLCertHash) for both sites.`,
        data: { otherSite: earlier.site.location },
      });
    }
  },
};

export const siteRules: Rule[] = [invalidBinding, duplicateBinding, sslBindingConflict];
