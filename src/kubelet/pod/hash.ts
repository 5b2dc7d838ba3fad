// The container hash the kubelet stores on each runtime container to notice spec changes.
import type { Container } from '../../api/generated/core/v1.js';

/** 32-bit FNV-1a over the UTF-8 bytes of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * HashContainer: FNV-1a of the container's name and image, in hex. Like the kubelet since 1.31,
 * only the fields a pod update may change (image) and the identity (name) are hashed, so the hash
 * is stable across kubelet restarts and API defaulting changes, and a changed image is noticed.
 */
export function containerHash(c: Container): string {
  return fnv1a32(JSON.stringify({ image: c.image ?? '', name: c.name })).toString(16);
}
