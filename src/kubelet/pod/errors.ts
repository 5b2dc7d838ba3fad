// Errors that stop a container from being created: the kubelet reports them as the container's
// waiting reason CreateContainerConfigError with the message as written here.

/** A container's configuration cannot be built (waiting reason `CreateContainerConfigError`). */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
  /** The waiting reason the kubelet shows for this error. */
  readonly reason = 'CreateContainerConfigError';
}

/** An environment variable source is missing or unusable (`configmap "x" not found`, ...). */
export class EnvError extends ContainerConfigError {
  override name = 'EnvError';
}
