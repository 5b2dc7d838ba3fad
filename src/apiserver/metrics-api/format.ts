/**
 * How metrics-server writes figures: CPU as a DecimalSI quantity scaled to nanocores ("123456n",
 * "12m", "2"), memory as a BinarySI byte count ("1172Ki", "1234567"), the window as Go's
 * Duration.String() ("15.012s"), times as metav1.Time (whole seconds).
 */
import { formatGoDuration } from '../../api/proto/duration.js';
import { Quantity, Scale } from '../../api/quantity.js';
import { rfc3339 } from '../../api/time.js';

/** `resource.NewScaledQuantity(nanoCores, -9)` in canonical form. */
export function cpuQuantity(nanoCores: number): string {
  return Quantity.fromScaled(BigInt(Math.max(0, Math.round(nanoCores))), Scale.Nano).toString();
}

/** `resource.NewQuantity(bytes, BinarySI)` in canonical form. */
export function memoryQuantity(bytes: number): string {
  return Quantity.fromInt(BigInt(Math.max(0, Math.round(bytes))), 'BinarySI').toString();
}

/** A window in milliseconds as metav1.Duration prints it. */
export function windowString(ms: number): string {
  return formatGoDuration(BigInt(Math.max(0, Math.round(ms))) * 1_000_000n);
}

/** metav1.Time of a millisecond instant. */
export const timeString = (ms: number): string => rfc3339(ms);
