/**
 * Makes a container's image present according to its imagePullPolicy, as the kubelet's image
 * manager: Always pulls, IfNotPresent pulls when absent, Never refuses. Failures are remembered per
 * image with back-off, so the pod shows ErrImagePull first and ImagePullBackOff while waiting.
 */
import { defaultPullPolicy } from '../../api/defaults/core-pod.js';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import type { CriClient } from '../cri/client.js';
import { Backoff } from './backoff.js';
import type { Waiting } from './pod-status.js';
import { errorText } from '../../util/errors.js';

export type EventSink = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export type PullResult = { imageRef: string } | { waiting: Waiting };

export class ImagePuller {
  readonly #cri: CriClient;
  readonly #events: EventSink;
  readonly #backoff: Backoff;
  /** Last failure per image: when and what the registry said. */
  readonly #failures = new Map<string, { at: number; message: string }>();

  constructor(o: { cri: CriClient; events: EventSink; backoff?: Backoff }) {
    this.#cri = o.cri;
    this.#events = o.events;
    this.#backoff = o.backoff ?? new Backoff(10_000, 300_000);
  }

  async #present(image: string): Promise<string | undefined> {
    const st = await this.#cri.imageStatus({ image: { image } });
    return st.image?.id || undefined;
  }

  /** Ensures the image; returns the image reference to create the container from, or why not. */
  async ensure(pod: Pod, c: Container, signal?: AbortSignal): Promise<PullResult> {
    const image = c.image ?? '';
    if (!image) return { waiting: { reason: 'InvalidImageName', message: 'container image is empty' } };
    const policy = c.imagePullPolicy ?? defaultPullPolicy(image);
    if (policy !== 'Always') {
      const ref = await this.#present(image);
      if (ref) {
        this.#events(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return { imageRef: ref };
      }
      if (policy === 'Never') {
        const message = `Container image "${image}" is not present with pull policy of Never`;
        this.#events(pod, 'Warning', 'ErrImageNeverPull', message);
        return { waiting: { reason: 'ErrImageNeverPull', message } };
      }
    }
    const failed = this.#failures.get(image);
    if (failed && this.#backoff.inBackoff(image, failed.at)) {
      const message = `Back-off pulling image "${image}"`;
      this.#events(pod, 'Normal', 'BackOff', message);
      return { waiting: { reason: 'ImagePullBackOff', message } };
    }
    this.#events(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = Date.now();
    try {
      const { image_ref } = await this.#cri.pullImage({ image: { image } }, signal ? { signal } : undefined);
      this.#failures.delete(image);
      this.#backoff.reset(image);
      const took = ((Date.now() - started) / 1000).toFixed(3);
      const size = (await this.#cri.imageStatus({ image: { image } }).catch(() => undefined))?.image?.size;
      this.#events(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took}s (${took}s including waiting).${size ? ` Image size: ${size} bytes.` : ''}`);
      return { imageRef: image_ref };
    } catch (e) {
      const detail = errorText(e);
      const message = `Failed to pull image "${image}": ${detail}`;
      const at = Date.now();
      this.#failures.set(image, { at, message });
      this.#backoff.next(image, at);
      this.#events(pod, 'Warning', 'Failed', message);
      this.#events(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      return { waiting: { reason: 'ErrImagePull', message } };
    }
  }

  /** When the back-off for `image` ends (ms since epoch), so the kubelet can sync the pod again then. */
  retryAt(image: string): number | undefined {
    const f = this.#failures.get(image);
    return f ? f.at + this.#backoff.delay(image) : undefined;
  }
}
