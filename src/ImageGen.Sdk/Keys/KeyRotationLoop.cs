using System.Globalization;
using ImageGen.Sdk.RateLimiting;

namespace ImageGen.Sdk.Keys;

/// <summary>
/// The rotation of one call over several keys: try a key, rest it when the failure is about the key and move the
/// same attempt to the next at once, and when every key rests wait for the soonest within
/// <see cref="KeyRotationOptions.MaxWait"/>.
/// </summary>
internal sealed class KeyRotationLoop(KeyRotationContext context, KeySelector selector, KeyHealth health, KeyStateRecorder recorder)
{
    /// <summary>Tries keys until one answers, resting the keys that fail for key reasons, waiting when all rest.</summary>
    /// <param name="pool">The keys the call started with.</param>
    /// <param name="request">The request.</param>
    /// <param name="first">The key picked for the first round (-1 when none was usable), and whether it is a probe.</param>
    /// <param name="firstCall">The first round's call, already started and counted, or <see langword="null"/> to start it here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ImageGenerationResult> RunAsync(
        KeyPool pool, ImageGenerationRequest request, (ValueTask<int> Index, bool Probe) first, Task<ImageGenerationResult>? firstCall, CancellationToken cancellationToken)
    {
        bool[]? tried = null;
        TimeSpan waited = TimeSpan.Zero;
        ImageGenerationException? lastKeyFailure = null;
        for (int round = 0; ; round++)
        {
            bool probe = first.Probe;
            int index = round == 0
                ? await first.Index.ConfigureAwait(false)
                : await selector.PickAsync(pool, tried, out probe, cancellationToken).ConfigureAwait(false);
            if (index < 0)
            {
                waited += await WaitForSoonestKeyAsync(pool, waited, round, lastKeyFailure, cancellationToken).ConfigureAwait(false);
                tried = null;
                continue;
            }

            // Counted inline: one async state machine per call keeps the pool cheap when it has to wait.
            ApiKeyCounters counters = pool.Counters[index];
            string fingerprint = pool.Keys[index].Fingerprint;
            Task<ImageGenerationResult>? started = round == 0 ? firstCall : null;
            if (started is null)
            {
                counters.Started();
            }

            try
            {
                ImageGenerationResult result = await (started ?? KeyRotatingImageGenerator.Start(pool.Keys[index].Generator, request, cancellationToken)).ConfigureAwait(false);
                counters.Succeeded();
                if (probe)
                {
                    await recorder.RecordAsync(health.ReviveAsync(pool, index), fingerprint, CancellationToken.None).ConfigureAwait(false);
                }

                if (ProviderRateLimitExhaustion.TryGetDelay(result.RateLimit, out TimeSpan reset, out string budget))
                {
                    await recorder.RecordAsync(health.CoolExhaustedAsync(pool, index, reset, budget), fingerprint, CancellationToken.None).ConfigureAwait(false);
                }

                return result;
            }
            catch (ImageGenerationException ex)
            {
                counters.Failed(ex.Kind);
                if (KeyHealth.Classify(ex) == KeyFailure.None)
                {
                    KeyHealth.EndProbe(pool, index, probe);
                    if (ProviderRateLimitExhaustion.TryGetDelay(ex.RateLimit, out TimeSpan reset, out string budget))
                    {
                        await recorder.RecordAsync(health.CoolExhaustedAsync(pool, index, reset, budget), fingerprint, CancellationToken.None).ConfigureAwait(false);
                    }

                    throw;
                }

                lastKeyFailure = ex;
            }
            catch
            {
                counters.Failed(null);
                KeyHealth.EndProbe(pool, index, probe);
                throw;
            }

            // The key is put out of the way; the same attempt moves on to another key at once, without a back-off.
            // Without the store's record the key is still skipped for the rest of this call (tried) and, when
            // rejected, retired in this process.
            await recorder.RecordAsync(health.RestAsync(pool, index, lastKeyFailure, probe), fingerprint, cancellationToken).ConfigureAwait(false);
            (tried ??= new bool[pool.Count])[index] = true;
        }
    }

    /// <summary>The failure of a call made when every key is retired; <paramref name="lastKeyFailure"/> is the rejection this call saw, if any.</summary>
    public ImageGenerationException AllKeysRetired(KeyPool pool, ImageGenerationException? lastKeyFailure)
    {
        DateTimeOffset probeAt = pool.Counters.Min(c => c.ProbeAt);
        string next = string.Create(CultureInfo.InvariantCulture, $"the next probe is at {probeAt:O}");
        return new(
            ImageGenerationErrorKind.Authentication,
            pool.Count == 1
                ? $"The API key {pool.Keys[0].Fingerprint} of provider '{context.Provider}' was rejected by the provider and is retired ({next}); configure a valid key. The call was not sent."
                : $"Every API key of provider '{context.Provider}' was rejected by the provider and is retired ({next}); configure a valid key.",
            lastKeyFailure)
        {
            Provider = context.Provider,
            StatusCode = lastKeyFailure?.StatusCode,
            IsLocalRefusal = lastKeyFailure is null,
        };
    }

    /// <summary>The first pause between rounds once keys that return at once have been tried several times in one call.</summary>
    internal static readonly TimeSpan SpinPause = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits for the soonest resting key, or throws when every key is retired or the wait is too long.</summary>
    private async Task<TimeSpan> WaitForSoonestKeyAsync(KeyPool pool, TimeSpan waited, int round, ImageGenerationException? lastKeyFailure, CancellationToken cancellationToken)
    {
        DateTimeOffset now = context.TimeProvider.GetUtcNow();
        DateTimeOffset? soonest = null;
        int retired = 0;
        for (int i = 0; i < pool.Count; i++)
        {
            ApiKeyStatus status = await context.Store.GetAsync(context.Provider, pool.Keys[i].Fingerprint, cancellationToken).ConfigureAwait(false);
            ApiKeyState state = pool.Counters[i].IsRetired ? ApiKeyState.Retired : status.EffectiveState(now);
            if (state == ApiKeyState.Retired)
            {
                retired++;
            }
            else
            {
                DateTimeOffset back = state == ApiKeyState.Active ? now : status.Until ?? now;
                soonest = soonest is null || back < soonest ? back : soonest;
            }
        }

        if (soonest is null)
        {
            throw AllKeysRetired(pool, lastKeyFailure);
        }

        TimeSpan wait = soonest.Value - now;
        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }

        // Keys that keep coming back at once (a provider answering 429 with Retry-After: 0 to every key, or a store
        // that does not keep what it is told) would make this loop spin: after a few rounds pause briefly instead.
        // The pause counts against the key wait, so such a call still ends as Unavailable, but only once it has
        // waited as long as any other call may — never at once while a key is about to be usable.
        TimeSpan pause = wait;
        if (wait == TimeSpan.Zero && round > 4 * pool.Count)
        {
            // 50 ms, doubling with further rounds up to 1.6 s, so the requests such a call sends stay few.
            int doublings = Math.Clamp(round - (4 * pool.Count) - 1, 0, 5);
            pause = SpinPause * Math.Pow(2, doublings);
        }

        TimeSpan maxWait = context.Options.MaxWait;
        if (waited + pause > maxWait)
        {
            // RetryAfter is when a key is back, not the pause: layers above may hold the provider for that long.
            throw new ImageGenerationException(
                ImageGenerationErrorKind.Unavailable,
                string.Create(CultureInfo.InvariantCulture, $"Every API key of provider '{context.Provider}' is resting ({retired} retired); the soonest returns in {wait.TotalSeconds:0.###} s, and this call has waited {waited.TotalSeconds:0.###} s of its key wait limit of {maxWait.TotalSeconds:0.###} s."),
                lastKeyFailure)
            {
                Provider = context.Provider,
                RetryAfter = wait,
                IsLocalRefusal = true,
            };
        }

        if (pause > TimeSpan.Zero)
        {
            long waitMs = (long)Math.Ceiling(pause.TotalMilliseconds);
            KeyRotationLog.WaitingForKey(context.Logger, context.Provider, waitMs);
            await Task.Delay(pause, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        return pause;
    }
}
