/**
 * How long a reply each platform takes, in characters as counted by the platform. Mastodon's is
 * the default of a stock server; Bluesky counts graphemes (300). Platforms not listed (the demo's
 * file source, RSS) have no limit of their own and only the playbook's maxLength applies.
 */
const LIMITS: Record<string, { name: string; max: number }> = {
  mastodon: { name: 'Mastodon', max: 500 },
  bluesky: { name: 'Bluesky', max: 300 },
  x: { name: 'X', max: 280 },
  reddit: { name: 'Reddit', max: 10_000 },
  youtube: { name: 'YouTube', max: 10_000 },
  googleplay: { name: 'Google Play', max: 350 },
  appstore: { name: 'the App Store', max: 5_970 },
  googlebusiness: { name: 'Google Business Profile', max: 4_096 },
  trustpilot: { name: 'Trustpilot', max: 2_048 },
};

export function platformLimit(platform: string): { name: string; max: number } | null {
  return LIMITS[platform] ?? null;
}
