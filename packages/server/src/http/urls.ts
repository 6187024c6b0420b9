/**
 * The public URL layout, in one place: every absolute URL a document carries (statusLocation, output references,
 * job links, the landing page's links) is built here from `server.public_url`, so Roost works behind a reverse proxy
 * and the front ends agree on each other's URLs (a WPS status document links the job resource and vice versa).
 */

/** See the module comment. */
export class PublicUrls {
  /** `server.public_url`, without a trailing slash. */
  readonly base: string;

  constructor(publicUrl: string) {
    this.base = publicUrl.replace(/\/+$/, "");
  }

  /** The WPS endpoint (`/wps`), both versions. */
  get wps(): string {
    return `${this.base}/wps`;
  }

  /** Prefix of published outputs (`/outputs`). */
  get outputs(): string {
    return `${this.base}/outputs`;
  }

  /** A WPS 1.0.0 status document (`statusLocation`): `/outputs/<jobId>.xml`. */
  statusDocument(jobId: string): string {
    return `${this.outputs}/${jobId}.xml`;
  }

  /** The job list of OGC API – Processes (`/jobs`). */
  get jobs(): string {
    return `${this.base}/jobs`;
  }

  /** A job's status resource (`/jobs/<jobId>`). */
  job(jobId: string): string {
    return `${this.jobs}/${jobId}`;
  }

  /** A job's results (`/jobs/<jobId>/results`). */
  results(jobId: string): string {
    return `${this.job(jobId)}/results`;
  }

  /** The process list (`/processes`). */
  get processes(): string {
    return `${this.base}/processes`;
  }

  /** A process description (`/processes/<id>`). */
  process(id: string): string {
    return `${this.processes}/${encodeURIComponent(id)}`;
  }

  /** A process's execution endpoint (`/processes/<id>/execution`). */
  execution(id: string): string {
    return `${this.process(id)}/execution`;
  }
}
