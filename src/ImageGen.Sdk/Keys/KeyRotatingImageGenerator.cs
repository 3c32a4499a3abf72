using System.Globalization;
using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Keys;

/// <summary>
/// Sends each attempt with one of a provider's API keys, chosen by <see cref="KeyRotationStrategy"/>, and keeps
/// unhealthy keys out of the way: a rejected key (401) is retired, a rate-limited key (429) cools down and the same
/// attempt moves on to another key at once, a key out of quota (402) is parked.
/// </summary>
/// <remarks>
/// <para>
/// When every key rests, the call waits for the soonest one if that is within <see cref="KeyRotationOptions.MaxWait"/>,
/// else fails with <see cref="ImageGenerationErrorKind.Unavailable"/> and <c>RetryAfter</c> = the soonest return;
/// when every key is retired it fails at once with <see cref="ImageGenerationErrorKind.Authentication"/>. With one key
/// failures pass through unchanged, so the retry layer above handles them as usual; only a rejected key (401) is
/// still retired, so later calls fail at once instead of sending a known-bad key again.
/// </para>
/// <para>
/// Failures that are not about the key (bad request, content filter, server error, time-out) pass through without
/// trying another key: another key would fail the same way, and retrying is the retry layer's call.
/// </para>
/// <para>
/// With several keys, a result or failure whose <see cref="ProviderRateLimitInfo"/> says the key has 0 requests
/// or tokens left, with a known reset, cools that key until the reset, so the next calls go to the other keys at
/// once instead of earning a 429 (a 429 without a retry delay rests for that reset too). The result or failure
/// itself passes up unchanged, and the <see cref="RateLimiting.RateLimitingImageGenerator"/> directly above leaves
/// the numbers to this layer. With one key this layer does not act on them: the rate-limit layer above pauses the
/// provider instead, which for one key is the same thing.
/// </para>
/// </remarks>
public sealed partial class KeyRotatingImageGenerator : DelegatingImageGenerator
{
    private readonly ApiKeyClient[] _keys;
    private readonly ApiKeyCounters[] _counters;
    private readonly int[] _cumulativeWeights;
    private readonly string _provider;
    private readonly KeyRotationOptions _options;
    private readonly IKeyStateStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly bool _hasDailyLimits;
    private long _turn = -1;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="keys">One client per key, in configured order; the first is the inner generator.</param>
    /// <param name="provider">The provider name (state is stored per provider and fingerprint).</param>
    /// <param name="options">The strategy and rest times; defaults when <see langword="null"/>.</param>
    /// <param name="store">Where key health lives; a private in-memory store when <see langword="null"/>.</param>
    /// <param name="monitor">Receives the keys' counters; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty or has duplicate fingerprints, a weight or daily limit is not positive, or <paramref name="provider"/> is blank.</exception>
    public KeyRotatingImageGenerator(
        IReadOnlyList<ApiKeyClient> keys,
        string provider,
        KeyRotationOptions? options = null,
        IKeyStateStore? store = null,
        KeyPoolMonitor? monitor = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
        : base(FirstGenerator(keys))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        _keys = [.. keys];
        if (_keys.Select(k => k.Fingerprint).Distinct(StringComparer.Ordinal).Count() != _keys.Length)
        {
            throw new ArgumentException("Two keys have the same fingerprint; fingerprints must be unique per provider.", nameof(keys));
        }

        _cumulativeWeights = new int[_keys.Length];
        int total = 0;
        for (int i = 0; i < _keys.Length; i++)
        {
            if (_keys[i].Weight <= 0 || _keys[i].DailyLimit is <= 0)
            {
                throw new ArgumentException($"Key {_keys[i].Fingerprint}: weights and daily limits must be positive.", nameof(keys));
            }

            total = checked(total + _keys[i].Weight);
            _cumulativeWeights[i] = total;
        }

        _provider = provider;
        _options = options ?? new KeyRotationOptions();
        _store = store ?? new InMemoryKeyStateStore();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _hasDailyLimits = _keys.Any(k => k.DailyLimit is not null);
        _counters = [.. _keys.Select(k => new ApiKeyCounters(provider, k.Fingerprint))];
        monitor?.Register(provider, _counters);
    }

    /// <summary>Gets whether this layer cools keys from the rate-limit numbers providers report (it has several keys).</summary>
    internal bool CoolsKeysFromRateLimitInfo => _keys.Length > 1;

    /// <inheritdoc />
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_keys.Length > 1)
        {
            return Rotate(request, cancellationToken);
        }

        return _counters[0].IsRetired ? Task.FromException<ImageGenerationResult>(AllKeysRetired(null)) : Send(request, cancellationToken);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The base disposes the first key's client; the others are ours too.
            for (int i = 1; i < _keys.Length; i++)
            {
                (_keys[i].Generator as IDisposable)?.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static IImageGenerator FirstGenerator(IReadOnlyList<ApiKeyClient> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one key is required.", nameof(keys));
        }

        return keys[0].Generator;
    }

    /// <summary>
    /// The common case without a state machine: a usable key is picked synchronously and its client answers
    /// synchronously with a success that leaves the key its allowance; anything else continues in <see cref="RotateAsync"/>.
    /// </summary>
    private Task<ImageGenerationResult> Rotate(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ValueTask<int> pick = PickAsync(null, cancellationToken);
        if (!pick.IsCompletedSuccessfully)
        {
            return RotateAsync(request, pick, null, cancellationToken);
        }

        int index = pick.Result;
        if (index < 0)
        {
            return RotateAsync(request, new ValueTask<int>(index), null, cancellationToken);
        }

        ApiKeyCounters counters = _counters[index];
        counters.Started();
        Task<ImageGenerationResult> sent = Start(_keys[index].Generator, request, cancellationToken);
        if (sent.IsCompletedSuccessfully && !ProviderRateLimitExhaustion.TryGetDelay(sent.Result.RateLimit, out _, out _))
        {
            counters.Succeeded();
            return sent;
        }

        return RotateAsync(request, new ValueTask<int>(index), sent, cancellationToken);
    }

    /// <summary>Calls a key's client; a synchronous throw becomes a faulted task, handled where the task is awaited.</summary>
    private static Task<ImageGenerationResult> Start(IImageGenerator generator, ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return generator.GenerateAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<ImageGenerationResult>(ex);
        }
    }

    /// <summary>Tries keys until one answers, resting the keys that fail for key reasons, waiting when all rest.</summary>
    /// <param name="request">The request.</param>
    /// <param name="firstPick">The key picked for the first round (-1 when none was usable).</param>
    /// <param name="firstCall">The first round's call, already started and counted, or <see langword="null"/> to start it here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    private async Task<ImageGenerationResult> RotateAsync(ImageGenerationRequest request, ValueTask<int> firstPick, Task<ImageGenerationResult>? firstCall, CancellationToken cancellationToken)
    {
        bool[]? tried = null;
        TimeSpan waited = TimeSpan.Zero;
        ImageGenerationException? lastKeyFailure = null;
        for (int round = 0; ; round++)
        {
            int index = round == 0
                ? await firstPick.ConfigureAwait(false)
                : await PickAsync(tried, cancellationToken).ConfigureAwait(false);
            if (index < 0)
            {
                TimeSpan wait = await WaitForSoonestKeyAsync(waited, round, lastKeyFailure, cancellationToken).ConfigureAwait(false);
                waited += wait;
                tried = null;
                continue;
            }

            // Counted inline: one async state machine per call keeps the pool cheap when it has to wait.
            ApiKeyCounters counters = _counters[index];
            Task<ImageGenerationResult>? started = round == 0 ? firstCall : null;
            if (started is null)
            {
                counters.Started();
            }

            try
            {
                ImageGenerationResult result = await (started ?? _keys[index].Generator.GenerateAsync(request, cancellationToken)).ConfigureAwait(false);
                counters.Succeeded();
                if (ProviderRateLimitExhaustion.TryGetDelay(result.RateLimit, out TimeSpan reset, out string budget))
                {
                    await RecordKeyStateAsync(CoolExhaustedKeyAsync(index, reset, budget), index, CancellationToken.None).ConfigureAwait(false);
                }

                return result;
            }
            catch (ImageGenerationException ex)
            {
                counters.Failed(ex.Kind);
                if (Classify(ex) == KeyFailure.None)
                {
                    if (ProviderRateLimitExhaustion.TryGetDelay(ex.RateLimit, out TimeSpan reset, out string budget))
                    {
                        await RecordKeyStateAsync(CoolExhaustedKeyAsync(index, reset, budget), index, CancellationToken.None).ConfigureAwait(false);
                    }

                    throw;
                }

                lastKeyFailure = ex;
            }
            catch
            {
                counters.Failed(null);
                throw;
            }

            // The key is put out of the way; the same attempt moves on to another key at once, without a back-off.
            // Without the store's record the key is still skipped for the rest of this call (tried) and, when
            // rejected, retired in this process.
            await RecordKeyStateAsync(RestKeyAsync(index, lastKeyFailure, cancellationToken), index, cancellationToken).ConfigureAwait(false);
            (tried ??= new bool[_keys.Length])[index] = true;
        }
    }

    /// <summary>The one-key path: the failure reaches the retry layer unchanged, but a rejected key is retired first.</summary>
    private Task<ImageGenerationResult> Send(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ApiKeyCounters counters = _counters[0];
        counters.Started();
        Task<ImageGenerationResult> sent = Start(_keys[0].Generator, request, cancellationToken);
        if (sent.IsCompletedSuccessfully)
        {
            counters.Succeeded();
            return sent;
        }

        return CompleteAsync(counters, sent, cancellationToken);
    }

    private async Task<ImageGenerationResult> CompleteAsync(ApiKeyCounters counters, Task<ImageGenerationResult> sent, CancellationToken cancellationToken)
    {
        try
        {
            ImageGenerationResult result = await sent.ConfigureAwait(false);
            counters.Succeeded();
            return result;
        }
        catch (ImageGenerationException ex)
        {
            counters.Failed(ex.Kind);
            if (Classify(ex) == KeyFailure.Rejected)
            {
                await RetireAndKeepFailureAsync(ex, cancellationToken).ConfigureAwait(false);
            }

            throw;
        }
        catch
        {
            counters.Failed(null);
            throw;
        }
    }

    /// <summary>Returns the index of a usable key (counting it against its daily limit), or -1 when none is usable now.</summary>
    /// <remarks>Synchronous while the store answers synchronously (the in-memory default), so a healthy pool costs no extra state machine.</remarks>
    private ValueTask<int> PickAsync(bool[]? tried, CancellationToken cancellationToken)
    {
        if (_options.Strategy == KeyRotationStrategy.LeastUsed)
        {
            return PickLeastUsedAsync(tried, cancellationToken);
        }

        int n = _keys.Length;
        int start = _options.Strategy switch
        {
            KeyRotationStrategy.RoundRobin => (int)((ulong)Interlocked.Increment(ref _turn) % (ulong)n),
            KeyRotationStrategy.Weighted => WeightedStart(),
            _ => 0,
        };

        DateTimeOffset now = _timeProvider.GetUtcNow();
        for (int offset = 0; offset < n; offset++)
        {
            int index = (start + offset) % n;
            if (tried?[index] == true || _counters[index].IsRetired)
            {
                continue;
            }

            ValueTask<ApiKeyStatus> read = _store.GetAsync(_provider, _keys[index].Fingerprint, cancellationToken);
            if (!read.IsCompletedSuccessfully || _keys[index].DailyLimit is not null)
            {
                return PickFromAsync(start, offset, read, tried, now, cancellationToken);
            }

            if (read.Result.EffectiveState(now) == ApiKeyState.Active)
            {
                return new ValueTask<int>(index);
            }
        }

        return new ValueTask<int>(-1);
    }

    private async ValueTask<int> PickFromAsync(int start, int offset, ValueTask<ApiKeyStatus> pending, bool[]? tried, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int n = _keys.Length;
        int index = (start + offset) % n;
        ApiKeyStatus status = await pending.ConfigureAwait(false);
        if (status.EffectiveState(now) == ApiKeyState.Active && await TryCountDailyAsync(index, now, cancellationToken).ConfigureAwait(false))
        {
            return index;
        }

        for (offset++; offset < n; offset++)
        {
            index = (start + offset) % n;
            if (await IsUsableAsync(index, tried, now, cancellationToken).ConfigureAwait(false)
                && await TryCountDailyAsync(index, now, cancellationToken).ConfigureAwait(false))
            {
                return index;
            }
        }

        return -1;
    }

    private async ValueTask<int> PickLeastUsedAsync(bool[]? tried, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        bool[] skip = tried is null ? new bool[_keys.Length] : [.. tried];
        while (true)
        {
            int best = -1;
            for (int i = 0; i < _keys.Length; i++)
            {
                if (!skip[i] && await IsUsableAsync(i, null, now, cancellationToken).ConfigureAwait(false)
                    && (best < 0 || IsLessUsed(_counters[i], _counters[best])))
                {
                    best = i;
                }
            }

            if (best < 0 || await TryCountDailyAsync(best, now, cancellationToken).ConfigureAwait(false))
            {
                return best;
            }

            skip[best] = true;
        }

        static bool IsLessUsed(ApiKeyCounters a, ApiKeyCounters b)
            => a.InFlight < b.InFlight || (a.InFlight == b.InFlight && a.Requests < b.Requests);
    }

    private int WeightedStart()
    {
        int total = _cumulativeWeights[^1];
        int slot = (int)((ulong)Interlocked.Increment(ref _turn) % (ulong)total);
        int index = Array.BinarySearch(_cumulativeWeights, slot + 1);
        return index >= 0 ? index : ~index;
    }

    private async ValueTask<bool> IsUsableAsync(int index, bool[]? tried, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (tried?[index] == true || _counters[index].IsRetired)
        {
            return false;
        }

        ApiKeyStatus status = await _store.GetAsync(_provider, _keys[index].Fingerprint, cancellationToken).ConfigureAwait(false);
        return status.EffectiveState(now) == ApiKeyState.Active;
    }

    private async ValueTask<bool> TryCountDailyAsync(int index, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_hasDailyLimits || _keys[index].DailyLimit is not { } limit)
        {
            return true;
        }

        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        long count = await _store.IncrementDailyCountAsync(_provider, _keys[index].Fingerprint, today, cancellationToken).ConfigureAwait(false);
        if (count <= limit)
        {
            return true;
        }

        DateTimeOffset midnight = new(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await _store.SetAsync(_provider, _keys[index].Fingerprint, new ApiKeyStatus(ApiKeyState.Parked, midnight), cancellationToken).ConfigureAwait(false);
        LogDailyLimit(_logger, _keys[index].Fingerprint, _provider, limit);
        return false;
    }

    private static KeyFailure Classify(ImageGenerationException failure)
    {
        if (failure.Kind == ImageGenerationErrorKind.Authentication || failure.StatusCode == 401)
        {
            return KeyFailure.Rejected;
        }

        if (failure.Kind == ImageGenerationErrorKind.QuotaExceeded || failure.StatusCode == 402)
        {
            return KeyFailure.OutOfQuota;
        }

        return failure.Kind == ImageGenerationErrorKind.RateLimited ? KeyFailure.RateLimited : KeyFailure.None;
    }

    /// <summary>Retires, parks or cools the key according to a failure that <see cref="Classify"/> blamed on the key.</summary>
    private async Task RestKeyAsync(int index, ImageGenerationException failure, CancellationToken cancellationToken)
    {
        string fingerprint = _keys[index].Fingerprint;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        switch (Classify(failure))
        {
            case KeyFailure.Rejected:
                await RetireAsync(index, failure).ConfigureAwait(false);
                break;
            case KeyFailure.OutOfQuota:
                DateTimeOffset until = now + _options.QuotaCooldown;
                await _store.SetAsync(_provider, fingerprint, new ApiKeyStatus(ApiKeyState.Parked, until), cancellationToken).ConfigureAwait(false);
                LogParked(_logger, fingerprint, _provider, until);
                break;
            default:
                TimeSpan rest = failure.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero
                    ? retryAfter
                    : ProviderRateLimitExhaustion.TryGetDelay(failure.RateLimit, out TimeSpan reset, out _) ? reset : _options.KeyCooldown;
                await _store.SetAsync(_provider, fingerprint, new ApiKeyStatus(ApiKeyState.Cooling, now + rest), cancellationToken).ConfigureAwait(false);
                long restMs = (long)rest.TotalMilliseconds;
                LogCooling(_logger, fingerprint, _provider, restMs);
                break;
        }
    }

    /// <summary>
    /// Awaits a key-state write. A failing store is logged and never thrown: it must not replace the call's outcome
    /// (an image already paid for, or the provider's own failure), and the key layer degrades to this instance's view.
    /// Only the caller's cancellation propagates.
    /// </summary>
    private async Task RecordKeyStateAsync(Task write, int index, CancellationToken cancellationToken)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception storeFailure)
        {
            LogKeyStateNotStored(_logger, storeFailure, _keys[index].Fingerprint, _provider);
        }
    }

    /// <summary>
    /// Retires a rejected key: this process never uses it again (kept in its counters, so a shared store that forgets
    /// cannot revive it), the store learns it for other instances, and the first retirement is logged at Error.
    /// </summary>
    /// <remarks>The caller's token is ignored: the key is bad whether or not the caller still waits.</remarks>
    private async Task RetireAsync(int index, ImageGenerationException failure)
    {
        string fingerprint = _keys[index].Fingerprint;
        if (_counters[index].Retire())
        {
            LogRetired(_logger, fingerprint, _provider, failure.StatusCode);
        }

        await _store.SetAsync(_provider, fingerprint, new ApiKeyStatus(ApiKeyState.Retired), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Retires the single key for the one-key path, where the provider's failure must reach the caller unchanged: a
    /// store that fails is logged (this instance has retired the key already, so it never sends it again), and a store
    /// that hangs holds the caller only until the caller cancels; the write then carries on, and a late failure of it
    /// is logged too. Never throws.
    /// </summary>
    private async Task RetireAndKeepFailureAsync(ImageGenerationException failure, CancellationToken cancellationToken)
    {
        // RetireAsync retires the key in-process before it touches the store, and reports a store failure in its task.
        Task write = RetireAsync(0, failure);
        try
        {
            await write.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Handled below: the caller left while the store was still writing.
        }
        catch (Exception storeFailure)
        {
            LogRetirementNotStored(_logger, storeFailure, _keys[0].Fingerprint, _provider);
            return;
        }

        _ = write.ContinueWith(
            static (finished, state) =>
            {
                (KeyRotatingImageGenerator self, string fingerprint) = ((KeyRotatingImageGenerator, string))state!;
                LogRetirementNotStored(self._logger, finished.Exception!.GetBaseException(), fingerprint, self._provider);
            },
            (this, _keys[0].Fingerprint),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Cools a key whose provider reported its allowance used up, until the reset. Never shortens a longer rest or
    /// revives a retired key, and ignores the caller's token: the call itself is over, and a cancelled store write
    /// must not turn a good result into a failure.
    /// </summary>
    private async Task CoolExhaustedKeyAsync(int index, TimeSpan reset, string budget)
    {
        if (_counters[index].IsRetired)
        {
            return;
        }

        string fingerprint = _keys[index].Fingerprint;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateTimeOffset until = now + reset;
        ApiKeyStatus status = await _store.GetAsync(_provider, fingerprint, CancellationToken.None).ConfigureAwait(false);
        ApiKeyState state = status.EffectiveState(now);
        if (state is ApiKeyState.Retired or ApiKeyState.Parked || (state == ApiKeyState.Cooling && status.Until >= until))
        {
            return;
        }

        await _store.SetAsync(_provider, fingerprint, new ApiKeyStatus(ApiKeyState.Cooling, until), CancellationToken.None).ConfigureAwait(false);
        long resetMs = (long)Math.Ceiling(reset.TotalMilliseconds);
        LogExhausted(_logger, fingerprint, _provider, budget, resetMs);
    }

    /// <summary>Waits for the soonest resting key, or throws when every key is retired or the wait is too long.</summary>
    private async Task<TimeSpan> WaitForSoonestKeyAsync(TimeSpan waited, int round, ImageGenerationException? lastKeyFailure, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateTimeOffset? soonest = null;
        int retired = 0;
        for (int i = 0; i < _keys.Length; i++)
        {
            ApiKeyStatus status = await _store.GetAsync(_provider, _keys[i].Fingerprint, cancellationToken).ConfigureAwait(false);
            ApiKeyState state = _counters[i].IsRetired ? ApiKeyState.Retired : status.EffectiveState(now);
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
            throw AllKeysRetired(lastKeyFailure);
        }

        TimeSpan wait = soonest.Value - now;
        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }

        // A store that does not keep what it is told would otherwise spin here.
        if (waited + wait > _options.MaxWait || (wait == TimeSpan.Zero && round > 4 * _keys.Length))
        {
            throw new ImageGenerationException(
                ImageGenerationErrorKind.Unavailable,
                string.Create(CultureInfo.InvariantCulture, $"Every API key of provider '{_provider}' is resting ({retired} retired); the soonest returns in {wait.TotalSeconds:0.###} s, past the key wait limit of {_options.MaxWait.TotalSeconds:0.###} s."),
                lastKeyFailure)
            {
                Provider = _provider,
                RetryAfter = wait,
                IsLocalRefusal = true,
            };
        }

        if (wait > TimeSpan.Zero)
        {
            long waitMs = (long)Math.Ceiling(wait.TotalMilliseconds);
            LogWaitingForKey(_logger, _provider, waitMs);
            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return wait;
    }

    /// <summary>The failure of a call made when every key is retired; <paramref name="lastKeyFailure"/> is the rejection this call saw, if any.</summary>
    private ImageGenerationException AllKeysRetired(ImageGenerationException? lastKeyFailure)
        => new(
            ImageGenerationErrorKind.Authentication,
            _keys.Length == 1
                ? $"The API key {_keys[0].Fingerprint} of provider '{_provider}' was rejected by the provider and is retired; configure a valid key. The call was not sent."
                : $"Every API key of provider '{_provider}' was rejected by the provider and is retired; configure a valid key.",
            lastKeyFailure)
        {
            Provider = _provider,
            StatusCode = lastKeyFailure?.StatusCode,
            IsLocalRefusal = lastKeyFailure is null,
        };

    private enum KeyFailure
    {
        None,
        Rejected,
        OutOfQuota,
        RateLimited,
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "API key {Fingerprint} of provider {Provider} was rejected (status {StatusCode}); it is retired and will not be used again by this process")]
    private static partial void LogRetired(ILogger logger, string fingerprint, string provider, int? statusCode);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "API key {Fingerprint} of provider {Provider} is retired in this process, but the key state store failed to record it; other instances may still use it")]
    private static partial void LogRetirementNotStored(ILogger logger, Exception exception, string fingerprint, string provider);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "The key state store failed to record the state of API key {Fingerprint} of provider {Provider}; the call goes on with this instance's view of the key")]
    private static partial void LogKeyStateNotStored(ILogger logger, Exception exception, string fingerprint, string provider);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "API key {Fingerprint} of provider {Provider} was rate-limited; cooling for {CooldownMs} ms and moving on to another key")]
    private static partial void LogCooling(ILogger logger, string fingerprint, string provider, long cooldownMs);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "API key {Fingerprint} of provider {Provider} is out of quota; parked until {Until:O}")]
    private static partial void LogParked(ILogger logger, string fingerprint, string provider, DateTimeOffset until);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "API key {Fingerprint} of provider {Provider} reached its daily limit of {DailyLimit} calls; parked until midnight UTC")]
    private static partial void LogDailyLimit(ILogger logger, string fingerprint, string provider, int dailyLimit);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Information, Message = "API key {Fingerprint} of provider {Provider} reports 0 {Budget} remaining; cooling for {CooldownMs} ms while the other keys carry on")]
    private static partial void LogExhausted(ILogger logger, string fingerprint, string provider, string budget, long cooldownMs);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "keys: every API key of provider {Provider} is resting; waiting {WaitMs} ms for the soonest")]
    private static partial void LogWaitingForKey(ILogger logger, string provider, long waitMs);
}
