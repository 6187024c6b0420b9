/** The service metadata every capabilities document shows, from the configuration's `[metadata]`. */
import type { ServiceInfo } from "@roost/core/internal";
import type { Config } from "../config/load.js";

/** `[metadata]` as the protocol encoders want it; `languages` are the service's, default first. */
export function serviceInfo(config: Config, languages: readonly string[]): ServiceInfo {
  const m = config.metadata;
  return {
    title: m.title,
    abstract: m.abstract,
    keywords: m.keywords,
    fees: m.fees,
    accessConstraints: m.access_constraints,
    provider: {
      name: m.provider_name,
      ...(m.provider_site ? { site: m.provider_site } : {}),
      ...(m.contact_name ? { individualName: m.contact_name } : {}),
      ...(m.contact_position ? { positionName: m.contact_position } : {}),
      ...(m.contact_email ? { email: m.contact_email } : {}),
      ...(m.contact_phone ? { phone: m.contact_phone } : {}),
    },
    languages,
  };
}
