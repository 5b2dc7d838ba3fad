/** Kubernetes time formats: metav1.Time (RFC 3339, whole seconds) and MicroTime (microseconds). */

/** metav1.Time: `2026-01-02T03:04:05Z`. */
export const rfc3339 = (t: Date | number): string => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

/** metav1.MicroTime: `2026-01-02T03:04:05.123000Z` (JavaScript clocks give milliseconds). */
export const microTime = (t: Date | number): string => new Date(t).toISOString().replace('Z', '000Z');
