/** The message of anything thrown, for logs and error texts. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
