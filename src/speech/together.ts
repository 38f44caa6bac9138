/**
 * Two stages run at once under one abort signal (decoding the recording while espeak-ng
 * synthesizes the reference): if either fails, the other is stopped and waited for; an
 * outer abort stops both and is what the caller sees.
 */
export async function together<A, B>(
  outer: AbortSignal | undefined,
  start: (signal: AbortSignal) => [Promise<A>, Promise<B>],
): Promise<[A, B]> {
  if (outer?.aborted) throw outer.reason ?? new Error('aborted');
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const [a, b] = start(inner.signal);
  try {
    return await Promise.all([a, b]);
  } catch (e) {
    inner.abort(e);
    await Promise.allSettled([a, b]);
    throw outer?.aborted ? (outer.reason ?? e) : e;
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
