/**
 * Distribution names for --target, from ../shared/reference/keepalived/VERSIONS.md section 1.
 * Example: resolveTarget('stretch') -> { version: '1.3.2', label: 'Debian 9 stretch', verified: false }.
 */
import { compareVersions, HEAD_VERSION, KNOWN_VERSIONS, tryParseVersion, type Version } from './version.js';

export interface Distro {
  names: string[];
  label: string;
  version: string;
  /** Checked against the distribution's package index (false: from the brief or believed). */
  verified: boolean;
}

export const DISTROS: Distro[] = [
  { names: ['debian-8', 'jessie'], label: 'Debian 8 jessie', version: '1.2.13', verified: false },
  { names: ['debian-9', 'stretch'], label: 'Debian 9 stretch', version: '1.3.2', verified: false },
  { names: ['debian-10', 'buster'], label: 'Debian 10 buster', version: '2.0.10', verified: true },
  { names: ['debian-11', 'bullseye'], label: 'Debian 11 bullseye', version: '2.1.5', verified: true },
  { names: ['debian-12', 'bookworm'], label: 'Debian 12 bookworm', version: '2.2.7', verified: true },
  { names: ['debian-13', 'trixie'], label: 'Debian 13 trixie', version: '2.3.3', verified: true },
  { names: ['ubuntu-16.04', 'xenial'], label: 'Ubuntu 16.04 xenial', version: '1.2.24', verified: false },
  { names: ['ubuntu-18.04', 'bionic'], label: 'Ubuntu 18.04 bionic', version: '1.3.9', verified: false },
  { names: ['ubuntu-20.04', 'focal'], label: 'Ubuntu 20.04 focal', version: '2.0.19', verified: false },
  { names: ['ubuntu-22.04', 'jammy'], label: 'Ubuntu 22.04 jammy', version: '2.2.4', verified: true },
  { names: ['ubuntu-24.04', 'noble'], label: 'Ubuntu 24.04 noble', version: '2.2.8', verified: true },
  { names: ['ubuntu-26.04', 'resolute'], label: 'Ubuntu 26.04 resolute', version: '2.3.4', verified: true },
  { names: ['rhel-7'], label: 'RHEL 7', version: '1.3.5', verified: false },
  { names: ['rhel-8'], label: 'RHEL 8', version: '2.1.5', verified: false },
  { names: ['rhel-9'], label: 'RHEL 9', version: '2.2.8', verified: false },
];

export interface ResolvedTarget {
  version: Version;
  /** What the operator asked for, for messages: "2.2.7" or "Debian 9 stretch (1.3.2)". */
  label: string;
  distro?: Distro;
}

export function resolveTargetName(text: string): ResolvedTarget | undefined {
  const key = text.trim().toLowerCase();
  const d = DISTROS.find((x) => x.names.includes(key));
  if (d) return { version: tryParseVersion(d.version)!, label: `${d.label} (keepalived ${d.version})`, distro: d };
  const v = tryParseVersion(text);
  return v ? { version: v, label: text.trim() } : undefined;
}

/** The --help text listing the names, marking the unverified mappings. */
export function distroHelp(): string {
  return (
    DISTROS.map((d) => `${d.names.join('/')}=${d.version}${d.verified ? '' : '?'}`).join(', ') +
    ' (? = unverified mapping)'
  );
}

/** Every name --target takes besides a version number (for a did-you-mean). */
export function distroNames(): string[] {
  return DISTROS.flatMap((d) => d.names);
}

/** The releases the keyword table was built from: the range a target is known in. */
export const KNOWN_RANGE = { oldest: KNOWN_VERSIONS[0]!, newest: KNOWN_VERSIONS.at(-1)! } as const;

/**
 * A version outside the releases the keyword table knows, and the version it is checked as: an
 * older one as the oldest known release (before it every keyword would be unknown), a newer one
 * with the keywords of the newest (nothing is known to have changed since). null inside the range
 * and for HEAD (the unreleased tree, deliberately after every release).
 * Example: outsideKnownRange('0.1') -> { side: 'older', checkedAs: '1.2.1' }.
 */
export function outsideKnownRange(text: string): { side: 'older' | 'newer'; checkedAs: string } | null {
  const t = resolveTargetName(text);
  if (!t || t.version === HEAD_VERSION) return null;
  if (compareVersions(t.version, KNOWN_RANGE.oldest) < 0) return { side: 'older', checkedAs: KNOWN_RANGE.oldest };
  if (compareVersions(t.version, KNOWN_RANGE.newest) > 0) return { side: 'newer', checkedAs: KNOWN_RANGE.newest };
  return null;
}

/**
 * What is said of a target outside the known releases, null inside. Example: outsideRangeNote('0.1')
 * -> '0.1 is older than the keepalived releases keepalived-lint knows (1.2.1 to 2.4.3); checking as 1.2.1'.
 */
export function outsideRangeNote(text: string): string | null {
  const outside = outsideKnownRange(text);
  if (!outside) return null;
  return (
    `${text.trim()} is ${outside.side} than the keepalived releases keepalived-lint knows ` +
    `(${KNOWN_RANGE.oldest} to ${KNOWN_RANGE.newest}); ` +
    (outside.side === 'older'
      ? `checking as ${outside.checkedAs}`
      : `checking with the keywords of ${outside.checkedAs}, as if nothing changed since`)
  );
}

/** The version a target is checked as: an older one than every known release as the oldest. */
export function checkedTarget(text: string): string {
  const outside = outsideKnownRange(text);
  return outside?.side === 'older' ? outside.checkedAs : text;
}
