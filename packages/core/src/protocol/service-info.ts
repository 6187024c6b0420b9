/** Service-level metadata every protocol's capabilities document shows. */
export interface ServiceInfo {
  readonly title: string;
  readonly abstract?: string;
  readonly keywords: readonly string[];
  readonly fees: string;
  readonly accessConstraints: string;
  readonly provider: {
    readonly name: string;
    readonly site?: string;
    readonly individualName?: string;
    readonly positionName?: string;
    readonly email?: string;
    readonly phone?: string;
  };
  /** Supported language tags; the first is the default. */
  readonly languages: readonly string[];
}
