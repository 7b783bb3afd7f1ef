/**
 * Notification settings in Flux form: annotations on the ImageUpdateAutomation, so the manifests
 * still apply on a Flux cluster (which ignores them). The address may hold a token (Slack
 * incoming-webhook URLs do), so it belongs in a Secret; an annotation URL with credentials or a
 * query string is refused rather than sent.
 *
 *   image-automation.io/notify-url:    https://hooks.example.com/image-updates   (no secrets)
 *   image-automation.io/notify-format: json (default) | slack
 *   image-automation.io/notify-secret: <Secret name, same namespace>: `address` (overrides the URL), `token` (HMAC key, json only)
 *   image-automation.io/notify-events: push,pull-request,error (default: all)
 */
export const NOTIFY_ANNOTATIONS = Object.freeze({
  url: 'image-automation.io/notify-url',
  format: 'image-automation.io/notify-format',
  secret: 'image-automation.io/notify-secret',
  events: 'image-automation.io/notify-events',
});

export const NOTIFY_FORMATS = ['json', 'slack'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

export const NOTIFY_EVENT_KINDS = ['push', 'pull-request', 'error'] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENT_KINDS)[number];

export interface NotifySettings {
  readonly format: NotifyFormat;
  readonly url?: string;
  readonly secretName?: string;
  readonly events: readonly NotifyEventKind[];
}

export type NotifySettingsResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly settings: NotifySettings }
  | { readonly kind: 'invalid'; readonly message: string };

/** An http(s) URL without userinfo; `allowSecrets` also accepts a query string (Secret-held addresses). */
export const checkNotifyAddress = (address: string, allowSecrets: boolean): string | undefined => {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (allowSecrets) return undefined;
  if (url.username || url.password || url.search)
    return 'holds credentials or a query string: put the address in the Secret (key "address") instead';
  return undefined;
};

export const notifySettingsOf = (annotations: Readonly<Record<string, string>>): NotifySettingsResult => {
  const url = annotations[NOTIFY_ANNOTATIONS.url]?.trim() || undefined;
  const secretName = annotations[NOTIFY_ANNOTATIONS.secret]?.trim() || undefined;
  const formatText = annotations[NOTIFY_ANNOTATIONS.format]?.trim().toLowerCase();
  const eventsText = annotations[NOTIFY_ANNOTATIONS.events];
  if (!url && !secretName) {
    if (formatText || eventsText)
      return {
        kind: 'invalid',
        message: `${NOTIFY_ANNOTATIONS.url} or ${NOTIFY_ANNOTATIONS.secret} is required`,
      };
    return { kind: 'none' };
  }
  const format = (formatText || 'json') as NotifyFormat;
  if (!NOTIFY_FORMATS.includes(format))
    return {
      kind: 'invalid',
      message: `${NOTIFY_ANNOTATIONS.format} must be one of ${NOTIFY_FORMATS.join(', ')}, not ${JSON.stringify(formatText)}`,
    };
  if (url) {
    const problem = checkNotifyAddress(url, false);
    if (problem) return { kind: 'invalid', message: `${NOTIFY_ANNOTATIONS.url} ${problem}` };
  }
  const events = (eventsText ?? NOTIFY_EVENT_KINDS.join(','))
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const unknown = events.filter((e) => !(NOTIFY_EVENT_KINDS as readonly string[]).includes(e));
  if (unknown.length > 0 || events.length === 0)
    return {
      kind: 'invalid',
      message: `${NOTIFY_ANNOTATIONS.events} must list some of ${NOTIFY_EVENT_KINDS.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
    };
  return {
    kind: 'ok',
    settings: {
      format,
      ...(url ? { url } : {}),
      ...(secretName ? { secretName } : {}),
      events: [...new Set(events as NotifyEventKind[])],
    },
  };
};
